/**
 * Runs SLICViT's spatial visual graph: normalised pixels [1, 3, R, R] + attended-token rows → one embedding
 * per region [regions, embed] (not normalised). On CPU the padded rows feed the "padded" graph; on CUDA they
 * are expanded to the "dense" graph's additive bias (batched MatMuls suit the GPU).
 */
import type { Precision } from "../../onnx/session.js";
import { type ExecutionChoice, OnnxSession, type SessionTensor } from "../../onnx/session.js";
import type { ClipCheckpoint } from "./checkpoint.js";
import { buildSpatialVisionModel } from "./clip-graphs.js";
import { cachedGraph } from "./graph-cache.js";
import { type RegionAttention, spatialGeometry } from "./spatial-vision-graph.js";

/**
 * Which tokens each region token attends to, one padded row per region (`buildRegionAttentionIndex` makes it):
 * token p < grid² is patch p, token grid² + u is region u itself; padding slots have bias −∞, the rest 0.
 */
export interface RegionAttentionRows {
  readonly regionCount: number;
  readonly rowWidth: number;
  /** [regionCount, rowWidth] */
  readonly attendedTokens: Int32Array;
  /** [regionCount, rowWidth] */
  readonly attendedBias: Float32Array;
}

export interface SpatialVisionEncoderOptions {
  readonly upsample: number;
  readonly startBlock: number;
  /** Default: "padded" on CPU, "dense" on CUDA. */
  readonly attention?: RegionAttention;
}

function int64(values: Int32Array): BigInt64Array {
  const out = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = BigInt(values[i]);
  return out;
}

export class SpatialVisionEncoder {
  readonly #session: OnnxSession;
  readonly attention: RegionAttention;
  readonly resolution: number;
  /** Token grid side (32 for patch 14 with upsample 2). */
  readonly grid: number;
  readonly embedDim: number;
  readonly precision: Precision;

  private constructor(
    session: OnnxSession,
    attention: RegionAttention,
    resolution: number,
    grid: number,
    embedDim: number,
    precision: Precision,
  ) {
    this.#session = session;
    this.attention = attention;
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
    const build = { upsample: options.upsample, startBlock: options.startBlock, attention };
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
      attention,
      resolution,
      grid,
      checkpoint.config.embedDim,
      choice.precision,
    );
  }

  /** Region embeddings [rows.regionCount, embedDim] for one image's normalised pixels. */
  async embed(pixels: Float32Array, rows: RegionAttentionRows): Promise<Float32Array> {
    const feeds: Record<string, SessionTensor> = {
      pixel_values: { type: "float32", data: pixels, dims: [1, 3, this.resolution, this.resolution] },
    };
    const { regionCount, rowWidth, attendedTokens, attendedBias } = rows;
    if (this.attention === "padded") {
      const dims = [regionCount, rowWidth];
      feeds.attended_tokens = { type: "int64", data: int64(attendedTokens), dims };
      feeds.attended_bias = { type: "float32", data: attendedBias, dims };
    } else {
      // The dense graph adds each region's self score itself; its bias covers the patches only.
      const patches = this.grid * this.grid;
      const bias = new Float32Array(regionCount * patches).fill(Number.NEGATIVE_INFINITY);
      for (let i = 0; i < attendedTokens.length; i++) {
        const token = attendedTokens[i];
        if (attendedBias[i] === 0 && token < patches) bias[Math.floor(i / rowWidth) * patches + token] = 0;
      }
      feeds.attention_bias = { type: "float32", data: bias, dims: [regionCount, patches] };
    }
    const out = await this.#session.run(feeds);
    return out.region_embeds.data as Float32Array;
  }

  async dispose(): Promise<void> {
    await this.#session.dispose();
  }
}
