/**
 * Runs SLICViT's spatial visual graph: normalised pixels [1, 3, R, R] + (region, patch) pairs → one embedding
 * per region [regions, embed] (not normalised). On CPU the pairs feed the "sparse" graph; on CUDA they are
 * expanded to the "dense" graph's additive bias (batched MatMuls suit the GPU).
 */
import type { Precision } from "../../onnx/session.js";
import { type ExecutionChoice, OnnxSession, type SessionTensor } from "../../onnx/session.js";
import type { ClipCheckpoint } from "./checkpoint.js";
import { buildSpatialVisionModel } from "./clip-graphs.js";
import { cachedGraph } from "./graph-cache.js";
import { type RegionAttention, spatialGeometry } from "./spatial-vision-graph.js";

/** Which patches each region token attends to (besides itself), as (region, patch) pairs. */
export interface RegionPatchPairs {
  readonly regionCount: number;
  readonly pairRegion: Int32Array;
  readonly pairPatch: Int32Array;
}

export interface SpatialVisionEncoderOptions {
  readonly upsample: number;
  readonly startBlock: number;
  /** Default: "sparse" on CPU, "dense" on CUDA. */
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
    const attention = options.attention ?? (choice.provider === "cuda" ? "dense" : "sparse");
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

  /** Region embeddings [pairs.regionCount, embedDim] for one image's normalised pixels. */
  async embed(pixels: Float32Array, pairs: RegionPatchPairs): Promise<Float32Array> {
    const feeds: Record<string, SessionTensor> = {
      pixel_values: { type: "float32", data: pixels, dims: [1, 3, this.resolution, this.resolution] },
    };
    if (this.attention === "sparse") {
      feeds.pair_region = { type: "int64", data: int64(pairs.pairRegion), dims: [pairs.pairRegion.length] };
      feeds.pair_patch = { type: "int64", data: int64(pairs.pairPatch), dims: [pairs.pairPatch.length] };
      feeds.region_count = { type: "int64", data: BigInt64Array.of(BigInt(pairs.regionCount)), dims: [1] };
    } else {
      const patches = this.grid * this.grid;
      const bias = new Float32Array(pairs.regionCount * patches).fill(Number.NEGATIVE_INFINITY);
      for (let i = 0; i < pairs.pairRegion.length; i++)
        bias[pairs.pairRegion[i] * patches + pairs.pairPatch[i]] = 0;
      feeds.attention_bias = { type: "float32", data: bias, dims: [pairs.regionCount, patches] };
    }
    const out = await this.#session.run(feeds);
    return out.region_embeds.data as Float32Array;
  }

  async dispose(): Promise<void> {
    await this.#session.dispose();
  }
}
