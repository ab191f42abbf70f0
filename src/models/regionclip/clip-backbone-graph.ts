/**
 * RegionCLIP's recognition backbone (`modeling/backbone/clip_backbone.py`, CLIP's ModifiedResNet with FrozenBN)
 * as ONNX layers and one graph: CLIP-normalised pixels float32 [1, 3, H, W] (no padding) → res4 float32
 * [1, C4, H/16, W/16] (floor at every 2×2 average pool, as torch). The layer builders are shared with the RoI
 * head, which runs layer4 per region.
 */
import { GraphBuilder, type OnnxModel } from "../../onnx/graph-builder.js";
import { NnContext, type WeightReader } from "../../onnx/nn/context.js";
import { batchNormNames, conv2dBatchNorm } from "../../onnx/nn/conv.js";
import type { Precision } from "../../onnx/session.js";
import { CLIP_BACKBONE_PREFIX, type ClipResNetTopology } from "./clip-resnet-topology.js";

/** A bias-free square conv (stride 1 unless given; padding k // 2) with its FrozenBN folded in (eps 1e-5). */
function convBn(ctx: NnContext, x: string, conv: string, bn: string, stride = 1): string {
  const pad = Math.floor(ctx.weights.shape(conv)[2] / 2);
  return conv2dBatchNorm(ctx, x, conv, batchNormNames(bn), { stride, pad });
}

/** `nn.AvgPool2d(k)`: kernel = stride = k, no padding, floor on odd sizes. */
function averagePool(ctx: NnContext, x: string, k: number): string {
  return ctx.g.node("AveragePool", [x], { kernel_shape: [k, k], strides: [k, k] });
}

/**
 * One CLIP `Bottleneck` (`<prefix>`, e.g. "backbone.layer2.0"): 1×1 → 3×3 → AvgPool(stride) → 1×1, each conv
 * with FrozenBN (ReLU after the first two); the shortcut is AvgPool(stride) → 1×1 conv → FrozenBN when the block
 * has a `downsample`; sum, then ReLU.
 */
export function bottleneck(ctx: NnContext, x: string, prefix: string, stride: number): string {
  const g = ctx.g;
  let out = g.node("Relu", [convBn(ctx, x, `${prefix}.conv1.weight`, `${prefix}.bn1`)]);
  out = g.node("Relu", [convBn(ctx, out, `${prefix}.conv2.weight`, `${prefix}.bn2`)]);
  if (stride > 1) out = averagePool(ctx, out, stride);
  out = convBn(ctx, out, `${prefix}.conv3.weight`, `${prefix}.bn3`);
  let identity = x;
  if (ctx.weights.has(`${prefix}.downsample.0.weight`)) {
    // CLIP names the shortcut Sequential "-1" (AvgPool2d, no weights), "0" (conv), "1" (BN).
    const pooled = stride > 1 ? averagePool(ctx, x, stride) : x;
    identity = convBn(ctx, pooled, `${prefix}.downsample.0.weight`, `${prefix}.downsample.1`);
  }
  return g.node("Relu", [g.node("Add", [out, identity])]);
}

/** `layerN` (1-based): `blocks` bottlenecks, the first with the layer's stride (1 for layer1, else 2). */
export function resLayer(ctx: NnContext, x: string, layer: number, blocks: number, prefix: string): string {
  let y = x;
  for (let i = 0; i < blocks; i++) {
    const stride = i === 0 && layer > 1 ? 2 : 1;
    y = ctx.g.scoped(`layer${layer}.${i}`, () => bottleneck(ctx, y, `${prefix}layer${layer}.${i}`, stride));
  }
  return y;
}

/** The stem: three 3×3 conv + FrozenBN + ReLU (the first with stride 2), then AvgPool2d(2). */
function stem(ctx: NnContext, x: string, prefix: string): string {
  let y = x;
  for (const i of [1, 2, 3]) {
    y = ctx.g.node("Relu", [convBn(ctx, y, `${prefix}conv${i}.weight`, `${prefix}bn${i}`, i === 1 ? 2 : 1)]);
  }
  return averagePool(ctx, y, 2);
}

/**
 * Builds the backbone graph: `pixel_values` float32 [1, 3, H, W] → `res4` float32 [1, C4, h, w]. In fp16
 * graphs the network runs in fp16 between casts at both ends.
 */
export function buildClipBackboneModel(
  weights: WeightReader,
  topology: ClipResNetTopology,
  precision: Precision,
  metadata: Readonly<Record<string, string>> = {},
): OnnxModel {
  const g = new GraphBuilder("regionclip_backbone");
  const ctx = new NnContext(g, weights, precision);
  const prefix = CLIP_BACKBONE_PREFIX;
  const pixels = g.input("pixel_values", "float32", [1, 3, "height", "width"]);
  let x = g.scoped("stem", () => stem(ctx, ctx.fromFloat32(pixels), prefix));
  for (const layer of [1, 2, 3]) x = resLayer(ctx, x, layer, topology.layers[layer - 1], prefix);
  g.output(ctx.toFloat32(x), "res4", "float32", [1, topology.res4Channels, "res4_height", "res4_width"]);
  return g.build({ precision, ...metadata });
}
