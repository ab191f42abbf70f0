/**
 * The per-image OWL-ViT graph (`OwlViTForObjectDetection.image_text_embedder` vision half + both heads' image
 * parts): pixel_values float32 [1, 3, R, R] → image_embeds [1, P, D], class_embeds [1, P, E] (unit length),
 * logit_shift / logit_scale [1, P, 1] (scale = elu + 1), pred_boxes [1, P, 4] (cx, cy, w, h in [0, 1]).
 */
import { float, GraphBuilder, type OnnxModel } from "../../onnx/graph-builder.js";
import { NnContext } from "../../onnx/nn/context.js";
import { layerNorm } from "../../onnx/nn/layer-norm.js";
import { linear } from "../../onnx/nn/linear.js";
import { residualAttentionBlock } from "../../onnx/nn/residual-attention-block.js";
import type { Precision } from "../../onnx/session.js";
import { computeBoxBias } from "./box-bias.js";
import type { OwlVitCheckpoint } from "./checkpoint.js";
import { gridSize } from "./config.js";

/** Exact (erf) GELU, torch `nn.GELU()`: 0.5 x (1 + erf(x / √2)). */
function gelu(ctx: NnContext, x: string): string {
  const g = ctx.g;
  const erf = g.node("Erf", [g.node("Mul", [x, ctx.scalar(Math.SQRT1_2)])]);
  return g.node("Mul", [g.node("Mul", [x, ctx.scalar(0.5)]), g.node("Add", [erf, ctx.scalar(1)])]);
}

/** `x / (‖x‖₂ + 1e-6)` over the last axis, as the class head normalises (float32 values). */
export function normalizeEmbeddings(g: GraphBuilder, x: string): string {
  const norm = g.node("ReduceL2", [x, g.int64([-1])], { keepdims: 1 });
  return g.node("Div", [x, g.node("Add", [norm, g.scalar(1e-6, "float32")])]);
}

/** Vision tower: patch conv, class token, positions, pre-LN encoder, post_layernorm on every token → [1, 1+P, D]. */
function visionTokens(ctx: NnContext, checkpoint: OwlVitCheckpoint, pixels: string): string {
  const g = ctx.g;
  const { vision: names } = checkpoint.names;
  const { hiddenSize: width, patchSize, numAttentionHeads: heads } = checkpoint.config.vision;
  const patches = gridSize(checkpoint.config) ** 2;
  const conv = g.node("Conv", [ctx.fromFloat32(pixels), ctx.weight(names.patchEmbedding)], {
    strides: [patchSize, patchSize],
  });
  // [1, D, G, G] → [1, P, D], row-major over the grid as torch's flatten(2).transpose(1, 2).
  const patchTokens = g.node("Transpose", [g.node("Reshape", [conv, g.int64([1, width, patches])])], {
    perm: [0, 2, 1],
  });
  const classToken = ctx.derived(`${names.classEmbedding}.token`, {
    dims: [1, 1, width],
    compute: () => ctx.weights.read(names.classEmbedding),
  });
  const embeddings = g.node("Add", [
    g.node("Concat", [classToken, patchTokens], { axis: 1 }),
    ctx.weight(names.positionEmbedding),
  ]);
  let x = layerNorm(ctx, embeddings, names.preLayerNorm);
  for (const [i, block] of names.blocks.entries()) {
    x = g.scoped(`vision.layer${i}`, () => residualAttentionBlock(ctx, x, block, { heads, width }));
  }
  return layerNorm(ctx, x, names.postLayerNorm);
}

/**
 * Builds the image graph. In fp16 graphs the heads' outputs are cast to float32 before the normalisation and
 * before the box bias is added (the bias reaches 9.21, where fp16 steps are 0.008).
 */
export function buildOwlVitImageModel(checkpoint: OwlVitCheckpoint, precision: Precision): OnnxModel {
  const g = new GraphBuilder("owlvit_image");
  const ctx = new NnContext(g, checkpoint.weights, precision);
  const { config, names } = checkpoint;
  const { imageSize, hiddenSize: width } = config.vision;
  const grid = gridSize(config);
  const patches = grid * grid;
  const embed = config.text.hiddenSize;

  const pixels = g.input("pixel_values", "float32", [1, 3, imageSize, imageSize]);
  const tokens = visionTokens(ctx, checkpoint, pixels);
  // image_embeds = layer_norm(tokens[1:] * tokens[0]) (nn.LayerNorm default eps 1e-5).
  const first = (start: number, end: number) =>
    g.node("Slice", [tokens, g.int64([start]), g.int64([end]), g.int64([1])]);
  const feature = layerNorm(ctx, g.node("Mul", [first(1, patches + 1), first(0, 1)]), names.heads.layerNorm);

  const classEmbeds = normalizeEmbeddings(g, ctx.toFloat32(linear(ctx, feature, names.heads.classDense0)));
  const logitShift = ctx.toFloat32(linear(ctx, feature, names.heads.logitShift));
  const scaleRaw = ctx.toFloat32(linear(ctx, feature, names.heads.logitScale));
  const logitScale = g.node("Add", [g.node("Elu", [scaleRaw], { alpha: float(1) }), g.scalar(1, "float32")]);

  const h = names.heads;
  const boxHead = linear(
    ctx,
    gelu(ctx, linear(ctx, gelu(ctx, linear(ctx, feature, h.boxDense0)), h.boxDense1)),
    h.boxDense2,
  );
  const boxBias = g.initializer("box_bias", {
    dataType: "float32",
    dims: [patches, 4],
    data: () => computeBoxBias(grid),
  });
  const predBoxes = g.node("Sigmoid", [g.node("Add", [ctx.toFloat32(boxHead), boxBias])]);

  g.output(ctx.toFloat32(feature), "image_embeds", "float32", [1, patches, width]);
  g.output(classEmbeds, "class_embeds", "float32", [1, patches, embed]);
  g.output(logitShift, "logit_shift", "float32", [1, patches, 1]);
  g.output(logitScale, "logit_scale", "float32", [1, patches, 1]);
  g.output(predBoxes, "pred_boxes", "float32", [1, patches, 4]);
  return g.build({ weights_sha256: checkpoint.sha256, precision });
}
