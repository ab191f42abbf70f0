/**
 * Runs SLICViT's spatial visual graph: normalised pixels [1, 3, R, R] + attended-token rows → one embedding
 * per region [regions, embed] (not normalised). On CPU the row groups feed the "padded" graph; on CUDA they
 * are expanded to the "dense" graph's additive bias (batched MatMuls suit the GPU).
 */
import { invalidOption } from "../../errors.js";
import type { Precision } from "../../onnx/session.js";
import { type ExecutionChoice, OnnxSession, type SessionTensor } from "../../onnx/session.js";
import type { ClipCheckpoint } from "./checkpoint.js";
import { buildSpatialVisionModel } from "./clip-graphs.js";
import { cachedGraph } from "./graph-cache.js";
import { type RegionAttention, type SpatialVisionOptions, spatialGeometry } from "./spatial-vision-graph.js";

/** Regions whose rows of attended tokens are padded to one width. */
export interface AttendedRowGroup {
  readonly regionCount: number;
  /** The longest row in the group: its most patches, plus one slot for the region itself. */
  readonly rowWidth: number;
  /**
   * [regionCount, rowWidth] the tokens each region attends to, numbered like the graph's key table: token
   * p < grid² is patch p, token grid² + u is region u itself. A row: its patches, padding, then itself.
   */
  readonly attendedTokens: Int32Array;
  /** [regionCount, rowWidth] additive score bias: 0 for attended tokens, −∞ for padding. */
  readonly attendedBias: Float32Array;
}

/**
 * Which tokens each region token attends to, as row groups in region order (`buildRegionAttentionIndex` with the
 * encoder's `rowGroups` makes it).
 */
export interface RegionAttentionRows {
  readonly regionCount: number;
  readonly rowGroups: readonly AttendedRowGroup[];
}

/**
 * Row groups of the padded layout. On the fixture images one group pads rows ≈ 4× (largest region 15–21
 * patches, median 3) and three ≈ 1.4×; in onnxruntime's profile of the B/16-sized graph the ops outside the
 * shared projections/MLPs took ≈ 500 ms (one group), ≈ 330 ms (three) and ≈ 290 ms (old ScatterND) per image.
 */
const DEFAULT_ROW_GROUPS = 3;

export interface SpatialVisionEncoderOptions {
  readonly upsample: number;
  readonly startBlock: number;
  /** Default: "padded" on CPU, "dense" on CUDA. */
  readonly attention?: RegionAttention;
  /** "padded": how many row widths region tokens are grouped into. @default 3 */
  readonly rowGroups?: number;
}

function int64(values: Int32Array): BigInt64Array {
  const out = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = BigInt(values[i]);
  return out;
}

/** The dense graph's [regions, patches] bias: 0 where a region attends to a patch (it adds the self score). */
function denseBias(rows: RegionAttentionRows, patches: number): Float32Array {
  const bias = new Float32Array(rows.regionCount * patches).fill(Number.NEGATIVE_INFINITY);
  let region = 0;
  for (const { regionCount, rowWidth, attendedTokens, attendedBias } of rows.rowGroups) {
    for (let r = 0; r < regionCount; r++, region++) {
      for (let i = r * rowWidth; i < (r + 1) * rowWidth; i++) {
        if (attendedBias[i] === 0 && attendedTokens[i] < patches)
          bias[region * patches + attendedTokens[i]] = 0;
      }
    }
  }
  return bias;
}

export class SpatialVisionEncoder {
  readonly #session: OnnxSession;
  readonly attention: RegionAttention;
  /** The number of row groups `embed` takes (1 for "dense", which does not use them). */
  readonly rowGroups: number;
  readonly resolution: number;
  /** Token grid side (32 for patch 14 with upsample 2). */
  readonly grid: number;
  readonly embedDim: number;
  readonly precision: Precision;

  private constructor(
    session: OnnxSession,
    build: SpatialVisionOptions,
    resolution: number,
    grid: number,
    embedDim: number,
    precision: Precision,
  ) {
    this.#session = session;
    this.attention = build.attention;
    this.rowGroups = build.rowGroups;
    this.resolution = resolution;
    this.grid = grid;
    this.embedDim = embedDim;
    this.precision = precision;
  }

  /** Builds (or reuses from `cacheDir`) the visual graph and opens a session on it. */
  static async load(
    checkpoint: ClipCheckpoint,
    choice: ExecutionChoice,
    cacheDir: string,
    options: SpatialVisionEncoderOptions,
  ): Promise<SpatialVisionEncoder> {
    const attention = options.attention ?? (choice.provider === "cuda" ? "dense" : "padded");
    const rowGroups = attention === "padded" ? (options.rowGroups ?? DEFAULT_ROW_GROUPS) : 1;
    if (!Number.isInteger(rowGroups) || rowGroups < 1)
      throw invalidOption("rowGroups", "a positive integer", options.rowGroups);
    const build: SpatialVisionOptions = {
      upsample: options.upsample,
      startBlock: options.startBlock,
      attention,
      rowGroups,
    };
    const { resolution, grid } = spatialGeometry(checkpoint.config, options.upsample);
    const path = await cachedGraph(
      cacheDir,
      "slicvit-visual",
      {
        weights: checkpoint.sha256,
        config: checkpoint.config,
        naming: checkpoint.names.naming,
        precision: choice.precision,
        build,
      },
      () => buildSpatialVisionModel(checkpoint, choice.precision, build),
    );
    const session = await OnnxSession.create(path, { provider: choice.provider, threads: choice.threads });
    return new SpatialVisionEncoder(
      session,
      build,
      resolution,
      grid,
      checkpoint.config.embedDim,
      choice.precision,
    );
  }

  /**
   * Region embeddings [rows.regionCount, embedDim] for one image's normalised pixels.
   * @throws GritlocError E_INVALID_OPTION when `rows` has another number of row groups than `rowGroups`.
   */
  async embed(pixels: Float32Array, rows: RegionAttentionRows): Promise<Float32Array> {
    const feeds: Record<string, SessionTensor> = {
      pixel_values: { type: "float32", data: pixels, dims: [1, 3, this.resolution, this.resolution] },
    };
    if (this.attention === "padded") {
      if (rows.rowGroups.length !== this.rowGroups)
        throw invalidOption(
          "rows.rowGroups.length",
          `${this.rowGroups} row groups (build the index with the encoder's rowGroups)`,
          rows.rowGroups.length,
        );
      for (const [i, group] of rows.rowGroups.entries()) {
        const dims = [group.regionCount, group.rowWidth];
        feeds[`attended_tokens_${i}`] = { type: "int64", data: int64(group.attendedTokens), dims };
        feeds[`attended_bias_${i}`] = { type: "float32", data: group.attendedBias, dims };
      }
    } else {
      feeds.attention_bias = {
        type: "float32",
        data: denseBias(rows, this.grid * this.grid),
        dims: [rows.regionCount, this.grid * this.grid],
      };
    }
    const out = await this.#session.run(feeds);
    return out.region_embeds.data as Float32Array;
  }

  async dispose(): Promise<void> {
    await this.#session.dispose();
  }
}
