/**
 * SLICViT's masked spatial ViT (adapting-CLIP `spatial_clip/vit/spatial_vit.py`, design §3 steps 3–6) as one
 * ONNX graph: image [1, 3, R, R] + region→patch attention structure → one embedding per region [U, embed].
 *
 * - Stem: conv1 with stride patch/upsample and padding (patch-1)//2 (14 → stride 7, pad 6 → 32×32 grid), class
 *   token, the upsampled fp16-rounded positional embedding (computed at build time), `ln_pre`.
 * - Patch and class tokens run the ordinary ViT; region tokens never influence them, so each block's patch
 *   k/v come from that ordinary path and are reused.
 * - Region tokens start as copies of the class token at `startBlock`; in every block each attends to the patch
 *   tokens inside its mask plus itself. Upstream adds −100 to every other logit instead of excluding it: the
 *   difference is ≈e⁻¹⁰⁰, so we exclude them, and the softmax runs over ≤ 1024 patch scores + 1 self score.
 *
 * Two attention layouts share those semantics, and both are deterministic (Gather, MatMul, Softmax only; no
 * ScatterND reductions, whose multithreaded CPU kernels race on duplicate indices — onnxruntime #18048, #23396):
 * - "padded" (CPU): each region's attended tokens (its patches, then itself) form one row of a key/value table
 *   (patch tokens, then region tokens); regions come in a few groups by row length, each group's rows padded
 *   to its longest with a −inf bias. Per group: gather the rows' keys/values, scores and weighted sum by batched
 *   MatMul, Softmax in between. Cost grows with the padded rows (≈ 1.4 × the attended tokens with three groups
 *   on the fixture images, ≈ 4 × with one), not with regions × patches.
 * - "dense" (GPU): an additive bias [U, patches] (0 inside the mask, −inf outside) and batched MatMuls.
 */
import { GritlocError, invalidOption } from "../../errors.js";
import { multiHeadAttention } from "../../onnx/nn/attention.js";
import type { NnContext } from "../../onnx/nn/context.js";
import { layerNorm } from "../../onnx/nn/layer-norm.js";
import { linear } from "../../onnx/nn/linear.js";
import type { BlockNames } from "../../onnx/nn/names.js";
import { blockMlp, blockQkv } from "../../onnx/nn/residual-attention-block.js";
import type { ClipConfig } from "./config.js";
import { slicVitPositionalEmbedding } from "./positional-embedding.js";
import type { ClipVisionNames } from "./weight-names.js";

export type RegionAttention = "padded" | "dense";

export interface SpatialVisionOptions {
  /** Token-grid upsampling (SLICViT `upsample`, default 2): conv stride = patch / upsample. */
  readonly upsample: number;
  /** The block at which region tokens start (SLICViT `start_block`). */
  readonly startBlock: number;
  readonly attention: RegionAttention;
  /** "padded": how many row widths the region tokens are grouped into (more groups, less padding). */
  readonly rowGroups: number;
}

/** Geometry of the spatial ViT stem. */
export interface SpatialGeometry {
  readonly resolution: number;
  readonly stride: number;
  readonly padding: number;
  /** Token grid side (32 for ViT-L/14 with upsample 2). */
  readonly grid: number;
}

/**
 * The stem geometry, checked like upstream requires (the conv grid must equal the upsampled positional grid).
 * @throws GritlocError E_INVALID_OPTION for an `upsample` the checkpoint's patch size does not support.
 */
export function spatialGeometry(config: ClipConfig, upsample: number): SpatialGeometry {
  const patch = config.visionPatchSize;
  const resolution = config.imageResolution;
  const stride = Math.floor(patch / upsample);
  const padding = Math.floor((patch - 1) / 2);
  const grid = (resolution / patch) * upsample;
  const convGrid = stride > 0 ? Math.floor((resolution + 2 * padding - patch) / stride) + 1 : 0;
  if (!Number.isInteger(upsample) || upsample < 1 || convGrid !== grid) {
    throw new GritlocError(
      "E_INVALID_OPTION",
      `Expected an upsample factor that gives a ${grid}×${grid} token grid for patch ${patch} but received ` +
        `${upsample} (conv stride ${stride}, padding ${padding} → ${convGrid}×${convGrid}); use 1 or 2`,
    );
  }
  return { resolution, stride, padding, grid };
}

/** One row group's graph inputs: [Ug, row] attended tokens (patch p, or patches + u for region u itself). */
interface RowGroupInputs {
  readonly tokens: string;
  /** [Ug, row] additive bias (0 attended, −inf padding) in the graph's precision. */
  readonly bias: string;
}

interface RegionInputs {
  /** [1] int64: U. */
  readonly count: string;
  /** padded: the row groups, in region order, and their region counts [groups] int64. */
  readonly rowGroups?: readonly RowGroupInputs[];
  readonly groupSizes?: string;
  /** dense: [U, patches] additive bias. */
  readonly bias?: string;
}

/** One row group's attention output [H, Ug, dh] from its queries [H, Ug, dh] and the key/value tables. */
function rowGroupAttention(
  ctx: NnContext,
  q: string,
  keys: string,
  values: string,
  rows: RowGroupInputs,
): string {
  const g = ctx.g;
  const rowKeys = g.node("Gather", [keys, rows.tokens], { axis: 1 }); // [H, Ug, row, dh]
  const rowValues = g.node("Gather", [values, rows.tokens], { axis: 1 });
  const scores = g.node("MatMul", [rowKeys, g.node("Unsqueeze", [q, g.int64([3])])]); // [H, Ug, row, 1]
  const probs = g.node("Softmax", [g.node("Add", [g.node("Squeeze", [scores, g.int64([3])]), rows.bias])], {
    axis: -1,
  }); // [H, Ug, row]
  const attended = g.node("MatMul", [g.node("Unsqueeze", [probs, g.int64([2])]), rowValues]); // [H, Ug, 1, dh]
  return g.node("Squeeze", [attended, g.int64([2])]);
}

/** Region tokens' attention output [U, H, dh], each row group over its padded rows of attended tokens. */
function paddedRegionAttention(
  ctx: NnContext,
  q: string,
  k: string,
  v: string,
  patchK: string,
  patchV: string,
  inputs: RegionInputs,
): string {
  const g = ctx.g;
  const groups = inputs.rowGroups!;
  const byHead = (t: string) => g.node("Transpose", [t], { perm: [1, 0, 2] }); // [T, H, dh] → [H, T, dh]
  // Key/value tables per head: the patch tokens, then the region tokens themselves (token patches + u).
  const table = (patch: string, region: string) =>
    g.node("Concat", [byHead(patch), byHead(region)], { axis: 1 }); // [H, patches + U, dh]
  const keys = table(patchK, k);
  const values = table(patchV, v);
  const queries = g.nodeOutputs("Split", [byHead(q), inputs.groupSizes!], groups.length, { axis: 1 });
  const parts = groups.map((rows, i) => rowGroupAttention(ctx, queries[i], keys, values, rows));
  const attended = parts.length === 1 ? parts[0] : g.node("Concat", parts, { axis: 1 });
  return g.node("Transpose", [attended], { perm: [1, 0, 2] });
}

/** A tensor's first dimension as an int64 [1]. */
function firstDim(ctx: NnContext, t: string): string {
  const g = ctx.g;
  return g.node("Slice", [g.node("Shape", [t]), g.int64([0]), g.int64([1])]);
}

/** Region tokens' attention output [U, H, dh] with the dense additive bias. */
function denseRegionAttention(
  ctx: NnContext,
  q: string,
  k: string,
  v: string,
  patchK: string,
  patchV: string,
  inputs: RegionInputs,
  patches: number,
): string {
  const g = ctx.g;
  const qh = g.node("Transpose", [q], { perm: [1, 0, 2] }); // [H, U, dh]
  const patchScores = g.node("Add", [
    g.node("MatMul", [qh, g.node("Transpose", [patchK], { perm: [1, 2, 0] })]),
    inputs.bias!,
  ]);
  const selfScores = g.node(
    "Transpose",
    [g.node("ReduceSum", [g.node("Mul", [q, k]), g.int64([2])], { keepdims: 1 })],
    {
      perm: [1, 0, 2],
    },
  ); // [H, U, 1]
  const probs = g.node("Softmax", [g.node("Concat", [patchScores, selfScores], { axis: 2 })], { axis: -1 });
  const [patchProbs, selfProbs] = g.nodeOutputs("Split", [probs, g.int64([patches, 1])], 2, { axis: 2 });
  const attended = g.node("Add", [
    g.node("MatMul", [patchProbs, g.node("Transpose", [patchV], { perm: [1, 0, 2] })]),
    g.node("Mul", [selfProbs, g.node("Transpose", [v], { perm: [1, 0, 2] })]),
  ]);
  return g.node("Transpose", [attended], { perm: [1, 0, 2] });
}

/**
 * One block's update of the region tokens [U, W]. `copiedQkv`: in the block where region tokens start they are
 * all copies of the class token, so their q/k/v are the class token's, already computed by the ordinary path.
 */
function regionBlock(
  ctx: NnContext,
  regions: string,
  block: BlockNames,
  patchK: string,
  patchV: string,
  inputs: RegionInputs,
  config: ClipConfig,
  attention: RegionAttention,
  patches: number,
  copiedQkv: { q: string; k: string; v: string } | undefined,
): string {
  const g = ctx.g;
  const width = config.visionWidth;
  const heads = config.visionHeads;
  const headShape = g.int64([0, heads, width / heads]);
  const { q, k, v } = copiedQkv ?? blockQkv(ctx, regions, block, width);
  const qh = g.node("Div", [g.node("Reshape", [q, headShape]), ctx.scalar(Math.sqrt(width / heads))]);
  const kh = g.node("Reshape", [k, headShape]);
  const vh = g.node("Reshape", [v, headShape]);
  const attended =
    attention === "padded"
      ? paddedRegionAttention(ctx, qh, kh, vh, patchK, patchV, inputs)
      : denseRegionAttention(ctx, qh, kh, vh, patchK, patchV, inputs, patches);
  const merged = g.node("Reshape", [attended, g.int64([0, width])]);
  return blockMlp(ctx, g.node("Add", [regions, linear(ctx, merged, block.out)]), block);
}

/** The padded layout's inputs `attended_tokens_<g>` int64 and `attended_bias_<g>` float32 [regions_g, row_g]. */
function paddedInputs(ctx: NnContext, groups: number): RegionInputs {
  const g = ctx.g;
  const rowGroups = Array.from({ length: groups }, (_, i) => ({
    tokens: g.input(`attended_tokens_${i}`, "int64", [`regions_${i}`, `row_${i}`]),
    bias: ctx.fromFloat32(g.input(`attended_bias_${i}`, "float32", [`regions_${i}`, `row_${i}`])),
  }));
  const sizes = rowGroups.map((rows) => firstDim(ctx, rows.tokens));
  const groupSizes = g.node("Concat", sizes, { axis: 0 });
  const count = g.node("ReduceSum", [groupSizes, g.int64([0])], { keepdims: 1 });
  return { count, rowGroups, groupSizes };
}

/**
 * Adds the whole spatial visual encoder to `ctx.g`. Inputs: `pixel_values` float32 [1, 3, R, R] and, for
 * "padded", per row group g `attended_tokens_<g>` int64 / `attended_bias_<g>` float32 [regions_g, row_g]; for
 * "dense", `attention_bias` float32 [regions, grid²]. Output: `region_embeds` float32 [regions, embed].
 */
export function addSpatialVisionEncoder(
  ctx: NnContext,
  names: ClipVisionNames,
  config: ClipConfig,
  options: SpatialVisionOptions,
): void {
  const g = ctx.g;
  const width = config.visionWidth;
  const heads = config.visionHeads;
  const { resolution, stride, padding, grid } = spatialGeometry(config, options.upsample);
  const patches = grid * grid;
  if (
    !Number.isInteger(options.startBlock) ||
    options.startBlock < 0 ||
    options.startBlock >= config.visionLayers
  ) {
    throw new GritlocError(
      "E_INVALID_OPTION",
      `Expected startBlock in 0..${config.visionLayers - 1} but received ${options.startBlock}`,
    );
  }
  if (!Number.isInteger(options.rowGroups) || options.rowGroups < 1)
    throw invalidOption("rowGroups", "a positive integer", options.rowGroups);

  const pixels = g.input("pixel_values", "float32", [1, 3, resolution, resolution]);
  const inputs: RegionInputs =
    options.attention === "padded"
      ? paddedInputs(ctx, options.rowGroups)
      : (() => {
          const bias = g.input("attention_bias", "float32", ["regions", patches]);
          return { count: firstDim(ctx, bias), bias: ctx.fromFloat32(bias) };
        })();

  // Stem: [1, 3, R, R] → [1, 1 + grid², W].
  const conv = g.node("Conv", [ctx.fromFloat32(pixels), ctx.weight(names.conv1)], {
    strides: [stride, stride],
    pads: [padding, padding, padding, padding],
  });
  const patchTokens = g.node("Transpose", [g.node("Reshape", [conv, g.int64([1, width, patches])])], {
    perm: [0, 2, 1],
  });
  const classToken = ctx.derived(`${names.classEmbedding}.token`, {
    dims: [1, 1, width],
    compute: () => ctx.weights.read(names.classEmbedding),
  });
  const positional = ctx.derived(`${names.positionalEmbedding}.slicvit_x${options.upsample}`, {
    dims: [1 + patches, width],
    compute: () =>
      slicVitPositionalEmbedding(ctx.weights.read(names.positionalEmbedding), width, options.upsample),
  });
  let x = layerNorm(
    ctx,
    g.node("Add", [g.node("Concat", [classToken, patchTokens], { axis: 1 }), positional]),
    names.lnPre,
  );

  let regions = "";
  const tokenCount = 1 + patches;
  const headSplit = g.int64([patches, heads, width / heads]);
  const regionShape = g.node("Concat", [inputs.count, g.int64([width])], { axis: 0 });
  /** Token 0 (the class token) of a [1, T, W] stream, copied for every region: [U, W]. */
  const classCopies = (t: string) =>
    g.node("Expand", [
      g.node("Reshape", [
        g.node("Slice", [t, g.int64([0]), g.int64([1]), g.int64([1])]),
        g.int64([1, width]),
      ]),
      regionShape,
    ]);
  for (const [b, block] of names.blocks.entries()) {
    g.scoped(`visual.block${b}`, () => {
      if (b === options.startBlock) regions = classCopies(x);
      const { q, k, v } = blockQkv(ctx, x, block, width);
      if (b >= options.startBlock) {
        const copiedQkv =
          b === options.startBlock ? { q: classCopies(q), k: classCopies(k), v: classCopies(v) } : undefined;
        const patchOnly = (t: string) =>
          g.node("Reshape", [
            g.node("Slice", [t, g.int64([1]), g.int64([tokenCount]), g.int64([1])]),
            headSplit,
          ]);
        regions = regionBlock(
          ctx,
          regions,
          block,
          patchOnly(k),
          patchOnly(v),
          inputs,
          config,
          options.attention,
          patches,
          copiedQkv,
        );
      }
      // The ordinary stream is only needed while a later block still reads its patch tokens.
      if (b < config.visionLayers - 1) {
        const attended = linear(ctx, multiHeadAttention(ctx, q, k, v, { heads, width }), block.out);
        x = blockMlp(ctx, g.node("Add", [x, attended]), block);
      }
    });
  }
  const embeds = linear(ctx, layerNorm(ctx, regions, names.lnPost), names.projection);
  g.output(ctx.toFloat32(embeds), "region_embeds", "float32", ["regions", config.embedDim]);
}
