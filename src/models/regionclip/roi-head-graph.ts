/**
 * RegionCLIP's per-region recognition head (`CLIPRes5ROIHeads`) as one graph: res4 float32 [1, C4, h, w] +
 * proposals [R, 4] (x1, y1, x2, y2 in resized-image pixels) → RoIAlign (ROIAlignV2) → layer4 (res5) →
 * attention pool, token 0 → region features float32 [R, D]. The caller runs it in chunks of RoIs: 1,000 RN50
 * RoIs are 800 MB after RoIAlign in float32, and every RoI is independent.
 */
import { GraphBuilder, type OnnxModel } from "../../onnx/graph-builder.js";
import { NnContext, type WeightReader } from "../../onnx/nn/context.js";
import { linear } from "../../onnx/nn/linear.js";
import { linearNames } from "../../onnx/nn/names.js";
import type { Precision } from "../../onnx/session.js";
import { resLayer } from "./clip-backbone-graph.js";
import { CLIP_BACKBONE_PREFIX, type ClipResNetTopology } from "./clip-resnet-topology.js";

/** res4's stride: RoIAlign's spatial scale is its inverse. */
const RES4_STRIDE = 16;

/**
 * `torchvision.ops.roi_align(res4, [0, x1, y1, x2, y2], resolution, 1/16, sampling_ratio=0, aligned=True)` as
 * ONNX RoiAlign-16 with `half_pixel` (bit-identical on onnxruntime; `output_half_pixel` is aligned=False).
 * Always float32 (RoiAlign has no fp16 kernel on CPU): res4 float32 [1, C, h, w], rois [R, 4] → [R, C, P, P].
 */
export function roiAlign(g: GraphBuilder, res4: string, rois: string, resolution: number): string {
  const count = g.node("Gather", [g.node("Shape", [rois]), g.int64([0])], { axis: 0 });
  const batchIndices = g.node("ConstantOfShape", [count], {
    value: { kind: "tensor", value: { dataType: "int64", dims: [1], data: BigInt64Array.of(0n) } },
  });
  return g.node("RoiAlign", [res4, rois, batchIndices], {
    coordinate_transformation_mode: "half_pixel",
    mode: "avg",
    output_height: resolution,
    output_width: resolution,
    sampling_ratio: 0,
    spatial_scale: { kind: "float", value: 1 / RES4_STRIDE },
  });
}

/**
 * CLIP's `AttentionPool2d` on res5 [R, C, G, G], token 0 only: tokens x_t = [mean, the G² cells] + positional
 * embedding; per head h, a = softmax_t(q_h · (W_k,h x_t + b_k,h) / √d) with q the query of token 0; output
 * `c_proj` of the heads' Σ_t a_t (W_v,h x_t + b_v,h) → [R, D].
 *
 * Only one query attends, so the key and value projections are folded instead of applied to every token:
 * q_h · W_k,h x_t = (W_k,hᵀ q_h) · x_t, q_h · b_k,h is the same for every token (softmax ignores it), and
 * Σ_t a_t (W_v,h x_t + b_v,h) = W_v,h (Σ_t a_t x_t) + b_v,h since Σ_t a_t = 1. Per RN50 RoI that is ≈ 20 M
 * multiply-adds instead of ≈ 214 M for projecting all 50 tokens (≈ 17 % of the whole RoI head).
 */
export function attentionPool(
  ctx: NnContext,
  res5: string,
  topology: ClipResNetTopology,
  prefix: string,
): string {
  const g = ctx.g;
  const { res5Channels: width, res5Grid: grid, heads } = topology;
  const headDim = width / heads;
  const cells = g.node("Transpose", [g.node("Reshape", [res5, g.int64([0, width, grid * grid])])], {
    perm: [0, 2, 1],
  });
  const mean = g.node("ReduceMean", [cells, g.int64([1])], { keepdims: 1 });
  // [R, T, C] → [R, 1, T, C]: one token set shared by all heads.
  const tokens = g.node("Unsqueeze", [
    g.node("Add", [
      g.node("Concat", [mean, cells], { axis: 1 }),
      ctx.weight(`${prefix}attnpool.positional_embedding`),
    ]),
    g.int64([1]),
  ]);
  const first = g.node("Slice", [tokens, g.int64([0]), g.int64([1]), g.int64([2])]);
  const q = linear(ctx, first, linearNames(`${prefix}attnpool.q_proj`));
  // [R, 1, 1, C] → [R, H, 1, d], scaled by 1/√d as torch scales q.
  const qHeads = g.node("Div", [
    g.node("Transpose", [g.node("Reshape", [q, g.int64([0, 1, heads, headDim])])], { perm: [0, 2, 1, 3] }),
    ctx.scalar(Math.sqrt(headDim)),
  ]);
  const kWeight = `${prefix}attnpool.k_proj.weight`;
  // torch [out = H·d, in = C] is already [H, d, C]: q [R, H, 1, d] @ W_k [H, d, C] = W_kᵀ q [R, H, 1, C].
  const kHeads = ctx.derived(`${kWeight}.heads`, {
    dims: [heads, headDim, width],
    compute: () => ctx.weights.read(kWeight),
  });
  const foldedQuery = g.node("MatMul", [qHeads, kHeads]);
  const scores = g.node("MatMul", [foldedQuery, g.node("Transpose", [tokens], { perm: [0, 1, 3, 2] })]);
  const attention = g.node("Softmax", [scores], { axis: -1 });
  const attended = g.node("MatMul", [attention, tokens]); // [R, H, 1, C]
  const vWeight = `${prefix}attnpool.v_proj.weight`;
  const vHeads = ctx.derived(`${vWeight}.heads_T`, {
    dims: [heads, width, headDim],
    compute: () => {
      const w = ctx.weights.read(vWeight);
      const out = new Float32Array(w.length);
      for (let h = 0; h < heads; h++) {
        for (let d = 0; d < headDim; d++) {
          for (let c = 0; c < width; c++)
            out[(h * width + c) * headDim + d] = w[(h * headDim + d) * width + c];
        }
      }
      return out;
    },
  });
  const vBias = `${prefix}attnpool.v_proj.bias`;
  const values = g.node("Add", [
    g.node("MatMul", [attended, vHeads]),
    ctx.derived(`${vBias}.heads`, { dims: [heads, 1, headDim], compute: () => ctx.weights.read(vBias) }),
  ]); // [R, H, 1, d]
  const merged = g.node("Reshape", [values, g.int64([-1, width])]);
  return linear(ctx, merged, linearNames(`${prefix}attnpool.c_proj`));
}

/** layer4 + attention pool on pooled RoIs [R, C4, P, P] (graph precision) → res5 and region features [R, D]. */
export function regionFeatures(
  ctx: NnContext,
  pooled: string,
  topology: ClipResNetTopology,
  prefix = CLIP_BACKBONE_PREFIX,
): { readonly res5: string; readonly features: string } {
  const res5 = resLayer(ctx, pooled, 4, topology.layers[3], prefix);
  const features = ctx.g.scoped("attnpool", () => attentionPool(ctx, res5, topology, prefix));
  return { res5, features };
}

/**
 * Builds the RoI head graph: `res4` float32 [1, C4, h, w] + `rois` float32 [R, 4] → `region_features` float32
 * [R, D]. fp16 graphs cast after RoIAlign and before the output.
 */
export function buildRoiHeadModel(
  weights: WeightReader,
  topology: ClipResNetTopology,
  precision: Precision,
  metadata: Readonly<Record<string, string>> = {},
): OnnxModel {
  const g = new GraphBuilder("regionclip_roi_head");
  const ctx = new NnContext(g, weights, precision);
  const res4 = g.input("res4", "float32", [1, topology.res4Channels, "res4_height", "res4_width"]);
  const rois = g.input("rois", "float32", ["rois", 4]);
  const pooled = roiAlign(g, res4, rois, topology.poolerResolution);
  const { features } = regionFeatures(ctx, ctx.fromFloat32(pooled), topology);
  g.output(ctx.toFloat32(features), "region_features", "float32", ["rois", topology.embedDim]);
  return g.build({ precision, ...metadata });
}
