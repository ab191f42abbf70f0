/**
 * The offline localization branch of RegionCLIP as one ONNX graph: detectron2's ResNet-50 (FrozenBN folded into
 * the convolutions, `STRIDE_IN_1X1`), FPN p2–p6 and the shared `StandardRPNHead`.
 * image float32 [1, 3, H, W] (H, W multiples of 32) → objectness_i [1, A, Hi, Wi] and deltas_i [1, 4A, Hi, Wi]
 * for the levels i = 0..4 (p2..p6), plus the FPN features p2..p6 [1, C, Hi, Wi].
 * Ports `detectron2/modeling/backbone/{resnet,fpn}.py` and `proposal_generator/rpn.py` (RegionCLIP @ 4b8513b).
 * Widths and block counts come from the weights' shapes (tiny fixtures and the real R50 alike).
 */
import { GraphBuilder, type OnnxModel } from "../../onnx/graph-builder.js";
import { NnContext, type WeightReader } from "../../onnx/nn/context.js";
import { batchNormNames, conv2d, conv2dBatchNorm } from "../../onnx/nn/conv.js";
import type { Precision } from "../../onnx/session.js";

/** Prefixes of the offline R50-FPN and RPN tensors in a loaded RegionCLIP state dict. */
export const OFFLINE_BACKBONE = "offline_backbone";
export const OFFLINE_RPN_HEAD = "offline_proposal_generator.rpn_head";

/** FPN level names in output order. */
export const RPN_LEVEL_NAMES = ["p2", "p3", "p4", "p5", "p6"] as const;

/** What the graph computes, read from the weights. */
export interface RpnTopology {
  /** Bottleneck blocks in res2..res5 ([3, 4, 6, 3] for R50). */
  readonly blocks: readonly number[];
  /** FPN output channels (256 for R50-FPN). */
  readonly fpnChannels: number;
  /** Anchors per location (3). */
  readonly anchorsPerLocation: number;
}

/** Reads the block counts, FPN width and anchors per location from the tensor names and shapes. */
export function inferRpnTopology(weights: WeightReader): RpnTopology {
  const blocks = [2, 3, 4, 5].map((stage) => {
    let n = 0;
    while (weights.has(`${OFFLINE_BACKBONE}.bottom_up.res${stage}.${n}.conv1.weight`)) n++;
    return n;
  });
  const empty = blocks.indexOf(0);
  // shape() throws E_WEIGHTS_INVALID naming the file and the first missing tensor.
  if (empty >= 0) weights.shape(`${OFFLINE_BACKBONE}.bottom_up.res${empty + 2}.0.conv1.weight`);
  return {
    blocks,
    fpnChannels: weights.shape(`${OFFLINE_BACKBONE}.fpn_output2.weight`)[0],
    anchorsPerLocation: weights.shape(`${OFFLINE_RPN_HEAD}.objectness_logits.weight`)[0],
  };
}

/** detectron2 `BottleneckBlock` with FrozenBN, stride in the 1×1 conv; projection shortcut where shapes change. */
function bottleneck(ctx: NnContext, x: string, prefix: string, stride: number): string {
  const g = ctx.g;
  const convBn = (input: string, name: string, s: number, pad: number) =>
    conv2dBatchNorm(ctx, input, `${prefix}.${name}.weight`, batchNormNames(`${prefix}.${name}.norm`), {
      stride: s,
      pad,
    });
  const shortcut = ctx.weights.has(`${prefix}.shortcut.weight`) ? convBn(x, "shortcut", stride, 0) : x;
  let y = g.node("Relu", [convBn(x, "conv1", stride, 0)]);
  y = g.node("Relu", [convBn(y, "conv2", 1, 1)]);
  y = convBn(y, "conv3", 1, 0);
  return g.node("Relu", [g.node("Add", [y, shortcut])]);
}

/** ResNet stem + res2..res5 → [res2, res3, res4, res5]. */
function bottomUp(ctx: NnContext, image: string, blocks: readonly number[]): string[] {
  const g = ctx.g;
  const prefix = `${OFFLINE_BACKBONE}.bottom_up`;
  let x = g.scoped("stem", () => {
    const stem = conv2dBatchNorm(
      ctx,
      image,
      `${prefix}.stem.conv1.weight`,
      batchNormNames(`${prefix}.stem.conv1.norm`),
      { stride: 2, pad: 3 },
    );
    return g.node("MaxPool", [g.node("Relu", [stem])], {
      kernel_shape: [3, 3],
      strides: [2, 2],
      pads: [1, 1, 1, 1],
    });
  });
  const features: string[] = [];
  for (const [s, count] of blocks.entries()) {
    const stage = s + 2;
    for (let b = 0; b < count; b++) {
      const stride = b === 0 && stage > 2 ? 2 : 1;
      x = g.scoped(`res${stage}.${b}`, () => bottleneck(ctx, x, `${prefix}.res${stage}.${b}`, stride));
    }
    features.push(x);
  }
  return features;
}

/** FPN top-down path (nearest ×2 upsampling, sum) and `LastLevelMaxPool` → [p2, p3, p4, p5, p6]. */
function fpn(ctx: NnContext, bottom: readonly string[]): string[] {
  const g = ctx.g;
  const lateral = (i: number) =>
    conv2d(
      ctx,
      bottom[i],
      `${OFFLINE_BACKBONE}.fpn_lateral${i + 2}.weight`,
      `${OFFLINE_BACKBONE}.fpn_lateral${i + 2}.bias`,
    );
  const output = (i: number, x: string) =>
    conv2d(
      ctx,
      x,
      `${OFFLINE_BACKBONE}.fpn_output${i + 2}.weight`,
      `${OFFLINE_BACKBONE}.fpn_output${i + 2}.bias`,
      {
        pad: 1,
      },
    );
  const scales = g.initializer("fpn_upsample_scales", {
    dataType: "float32",
    dims: [4],
    data: Float32Array.of(1, 1, 2, 2),
  });
  const last = bottom.length - 1;
  let previous = lateral(last);
  const levels = [output(last, previous)];
  for (let i = last - 1; i >= 0; i--) {
    // F.interpolate(scale_factor=2, mode="nearest") is Resize nearest/asymmetric/floor (bit-exact).
    const topDown = g.node("Resize", [previous, "", scales], {
      mode: "nearest",
      coordinate_transformation_mode: "asymmetric",
      nearest_mode: "floor",
    });
    previous = g.node("Add", [lateral(i), topDown]);
    levels.unshift(output(i, previous));
  }
  const p6 = g.node("MaxPool", [levels[last]], { kernel_shape: [1, 1], strides: [2, 2] });
  return [...levels, p6];
}

/** `StandardRPNHead` on one level: 3×3 conv + ReLU, then the 1×1 objectness and anchor-delta convs. */
export function rpnHead(ctx: NnContext, feature: string): { objectness: string; deltas: string } {
  const hidden = ctx.g.node("Relu", [
    conv2d(ctx, feature, `${OFFLINE_RPN_HEAD}.conv.weight`, `${OFFLINE_RPN_HEAD}.conv.bias`, { pad: 1 }),
  ]);
  return {
    objectness: conv2d(
      ctx,
      hidden,
      `${OFFLINE_RPN_HEAD}.objectness_logits.weight`,
      `${OFFLINE_RPN_HEAD}.objectness_logits.bias`,
    ),
    deltas: conv2d(
      ctx,
      hidden,
      `${OFFLINE_RPN_HEAD}.anchor_deltas.weight`,
      `${OFFLINE_RPN_HEAD}.anchor_deltas.bias`,
    ),
  };
}

/**
 * Builds the R50-FPN + RPN graph. `precision` "fp16" casts the input to fp16 and every output back to float32.
 * @throws GritlocError E_WEIGHTS_INVALID (from the weight reader) when a tensor is missing.
 * @example
 * const model = buildRegionClipRpnModel(safetensorsWeightReader(file));
 * const session = await OnnxSession.create(encodeModel(model), { provider: "cpu" });
 */
export function buildRegionClipRpnModel(
  weights: WeightReader,
  precision: Precision = "fp32",
  metadata: Readonly<Record<string, string>> = {},
): OnnxModel {
  const topology = inferRpnTopology(weights);
  const g = new GraphBuilder("regionclip_rpn");
  const ctx = new NnContext(g, weights, precision);
  const image = g.input("image", "float32", [1, 3, "height", "width"]);
  const bottom = g.scoped("bottom_up", () => bottomUp(ctx, ctx.fromFloat32(image), topology.blocks));
  const levels = g.scoped("fpn", () => fpn(ctx, bottom));
  const a = topology.anchorsPerLocation;
  for (const [i, level] of levels.entries()) {
    const name = RPN_LEVEL_NAMES[i];
    const head = g.scoped(`rpn_head.${name}`, () => rpnHead(ctx, level));
    const [h, w] = [`${name}_height`, `${name}_width`];
    g.output(ctx.toFloat32(level), name, "float32", [1, topology.fpnChannels, h, w]);
    g.output(ctx.toFloat32(head.objectness), `objectness_${i}`, "float32", [1, a, h, w]);
    g.output(ctx.toFloat32(head.deltas), `deltas_${i}`, "float32", [1, 4 * a, h, w]);
  }
  return g.build({ ...metadata, precision });
}
