/**
 * The per-query part of `OwlViTClassPredictionHead`: class_embeds [P, E], logit_shift / logit_scale [P, 1] (from
 * the image graph) and query_embeds [N, E] (from the text graph) → logits [P, N] = (ce · q + shift) · scale.
 * No weights; always float32.
 */
import { GraphBuilder, type OnnxModel } from "../../onnx/graph-builder.js";

/**
 * Builds the class-head graph for embedding size `embed`. Upstream's query mask (`input_ids[..., 0] > 0`) only
 * hides the padding queries HF adds to batch images with different query counts; every query here is real.
 */
export function buildOwlVitClassHeadModel(embed: number): OnnxModel {
  const g = new GraphBuilder("owlvit_class_head");
  const classEmbeds = g.input("class_embeds", "float32", ["patches", embed]);
  const shift = g.input("logit_shift", "float32", ["patches", 1]);
  const scale = g.input("logit_scale", "float32", ["patches", 1]);
  const queries = g.input("query_embeds", "float32", ["queries", embed]);
  const similarity = g.node("MatMul", [classEmbeds, g.node("Transpose", [queries], { perm: [1, 0] })]);
  g.output(g.node("Mul", [g.node("Add", [similarity, shift]), scale]), "logits", "float32", [
    "patches",
    "queries",
  ]);
  return g.build();
}
