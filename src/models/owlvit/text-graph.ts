/**
 * The per-query OWL-ViT graph (`OwlViTTextTransformer` + `text_projection`): input_ids / attention_mask int32
 * [N, T] → text_embeds [N, E] (the projection, as newer transformers return it) and query_embeds [N, E]
 * (unit length, what the class head uses).
 */
import { GraphBuilder, type OnnxModel } from "../../onnx/graph-builder.js";
import { NnContext } from "../../onnx/nn/context.js";
import { layerNorm } from "../../onnx/nn/layer-norm.js";
import { linear } from "../../onnx/nn/linear.js";
import { residualAttentionBlock } from "../../onnx/nn/residual-attention-block.js";
import type { Precision } from "../../onnx/session.js";
import type { OwlVitCheckpoint } from "./checkpoint.js";
import { normalizeEmbeddings } from "./image-graph.js";

/** `torch.finfo(dtype).min`, what `_expand_mask` adds at padded key positions. */
const FINFO_MIN = { fp32: -3.4028234663852886e38, fp16: -65504 } as const;

/**
 * Additive attention bias [N, 1, T, T]: the causal mask (-inf above the diagonal) plus finfo.min at keys whose
 * attention_mask is 0, as upstream adds both.
 */
function attentionBias(ctx: NnContext, mask: string, length: number): string {
  const g = ctx.g;
  const causal = ctx.derived(`text.causal_mask_${length}`, {
    dims: [length, length],
    compute: () => {
      const m = new Float32Array(length * length);
      for (let i = 0; i < length; i++) m.fill(Number.NEGATIVE_INFINITY, i * length + i + 1, (i + 1) * length);
      return m;
    },
  });
  // Where, not (1 - mask) * min: in fp16 graphs min * 0 could be 0 * -inf = NaN. Cast to bool: mask != 0.
  const attended = g.node("Cast", [mask], { to: 9 });
  const padBias = g.node("Where", [attended, ctx.scalar(0), ctx.scalar(FINFO_MIN[ctx.precision])]);
  return g.node("Add", [causal, g.node("Unsqueeze", [padBias, g.int64([1, 2])])]);
}

/** Builds the text graph for rows of `maxPositionEmbeddings` tokens. */
export function buildOwlVitTextModel(checkpoint: OwlVitCheckpoint, precision: Precision): OnnxModel {
  const g = new GraphBuilder("owlvit_text");
  const ctx = new NnContext(g, checkpoint.weights, precision);
  const { text: c, projectionDim } = checkpoint.config;
  const names = checkpoint.names.text;
  const length = c.maxPositionEmbeddings;
  const ids = g.input("input_ids", "int32", ["batch", length]);
  const mask = g.input("attention_mask", "int32", ["batch", length]);

  let x = g.node("Add", [
    g.node("Gather", [ctx.weight(names.tokenEmbedding), ids], { axis: 0 }),
    ctx.weight(names.positionEmbedding),
  ]);
  const bias = attentionBias(ctx, mask, length);
  for (const [i, block] of names.blocks.entries()) {
    x = g.scoped(`text.layer${i}`, () =>
      residualAttentionBlock(ctx, x, block, { heads: c.numAttentionHeads, width: c.hiddenSize, bias }),
    );
  }
  // Pool at argmax(input_ids), the EOT position (first occurrence, as torch.argmax); LayerNorm is per token,
  // so normalising only the pooled row equals upstream's final_layer_norm on all tokens then pooling.
  const eot = g.node("ArgMax", [ids], { axis: 1, keepdims: 1, select_last_index: 0 });
  const pooled = layerNorm(ctx, g.node("GatherND", [x, eot], { batch_dims: 1 }), names.finalLayerNorm);
  const textEmbeds = ctx.toFloat32(linear(ctx, pooled, names.projection));
  g.output(textEmbeds, "text_embeds", "float32", ["batch", projectionDim]);
  g.output(normalizeEmbeddings(g, textEmbeds), "query_embeds", "float32", ["batch", projectionDim]);
  return g.build({ weights_sha256: checkpoint.sha256, precision });
}
