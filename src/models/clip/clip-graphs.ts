/**
 * The two CLIP graphs gritloc runs, built from a checkpoint: the text encoder and SLICViT's spatial visual
 * encoder. Text and vision are separate graphs (each stays far below protobuf's 2 GiB, and a localizer can
 * keep text embeddings cached while only the vision graph runs per image).
 */
import type { OnnxModel } from "../../onnx/graph-builder.js";
import { GraphBuilder } from "../../onnx/graph-builder.js";
import { NnContext } from "../../onnx/nn/context.js";
import type { Precision } from "../../onnx/session.js";
import type { ClipCheckpoint } from "./checkpoint.js";
import { addSpatialVisionEncoder, type SpatialVisionOptions } from "./spatial-vision-graph.js";
import { addClipTextEncoder } from "./text-tower.js";

/** The text encoder: `input_ids` int32 [batch, context] → `text_embeds` float32 [batch, embed]. */
export function buildClipTextModel(checkpoint: ClipCheckpoint, precision: Precision): OnnxModel {
  const g = new GraphBuilder("clip_text");
  const ctx = new NnContext(g, checkpoint.weights, precision);
  const c = checkpoint.config;
  addClipTextEncoder(
    ctx,
    checkpoint.names.text,
    { width: c.transformerWidth, heads: c.transformerHeads, contextLength: c.contextLength },
    c.embedDim,
  );
  return g.build({ weights_sha256: checkpoint.sha256, precision });
}

/** The spatial visual encoder (see `spatial-vision-graph.ts`). */
export function buildSpatialVisionModel(
  checkpoint: ClipCheckpoint,
  precision: Precision,
  options: SpatialVisionOptions,
): OnnxModel {
  const g = new GraphBuilder("slicvit_visual");
  const ctx = new NnContext(g, checkpoint.weights, precision);
  addSpatialVisionEncoder(ctx, checkpoint.names.vision, checkpoint.config, options);
  return g.build({ weights_sha256: checkpoint.sha256, precision, ...stringify(options) });
}

function stringify(options: SpatialVisionOptions): Record<string, string> {
  return Object.fromEntries(Object.entries(options).map(([k, v]) => [k, String(v)]));
}
