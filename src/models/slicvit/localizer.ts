/**
 * SLICViT (adapting-CLIP `models/slic_vit.py`) as a `Localizer`: PreparedImage (224² resize + SLIC pyramid)
 * + queries → per query a heatmap and one box. Region embeddings are computed once per image and shared by
 * its queries; text embeddings are cached per query string.
 */
import { createHash } from "node:crypto";
import { defaultCacheDir } from "../../cache-dir.js";
import { invalidOption } from "../../errors.js";
import { createLogger } from "../../logger.js";
import { chooseExecution, type RuntimeOptions } from "../../onnx/session.js";
import { boxSearch } from "../../vision/box-search.js";
import { heatmapFromLabels } from "../../vision/heatmap.js";
import type { PreparedImage, PrepareSpec } from "../../vision/prepare.js";
import { scaleBoxToSource } from "../../vision/scale-box.js";
import type { ClipCheckpoint } from "../clip/checkpoint.js";
import { ClipTextEncoder } from "../clip/clip-text-encoder.js";
import { clipPixelValues } from "../clip/preprocess.js";
import { SpatialVisionEncoder } from "../clip/spatial-vision-encoder.js";
import type { LoadedTokenizer } from "../clip/text-tokenizer.js";
import type { Localization, Localizer, LocalizerInfo } from "../localizer.js";
import { buildRegionAttentionIndex, type RegionAttentionIndex } from "./attention-index.js";
import { type ResolvedSlicVitOptions, resolveSlicVitOptions, type SlicVitOptions } from "./options.js";
import { normalizeRows, regionLogitsPerMap } from "./region-logits.js";

const log = createLogger("slicvit");

/** Box-search downsampling (upstream `BruteForceBoxSearch` default). */
const BOX_DOWNSAMPLE = 8;
/** Upstream's paper mode reports every box with this confidence. */
const PAPER_CONFIDENCE = 0.5;
/** Text embeddings kept per localizer before the oldest are dropped. */
const MAX_CACHED_QUERIES = 50_000;

/** Milliseconds per stage of the last `localize` call (SLIC runs earlier, in `prepareImage`). */
export interface SlicVitTimings {
  readonly attentionIndex: number;
  readonly vision: number;
  readonly text: number;
  readonly heatmap: number;
  readonly box: number;
}

export interface SlicVitLocalizerParams {
  /** An opened checkpoint; the localizer takes ownership and closes it once its graphs are loaded. */
  readonly checkpoint: ClipCheckpoint;
  readonly tokenizer: LoadedTokenizer;
  readonly options?: SlicVitOptions;
  readonly runtime?: RuntimeOptions;
  /** Display name, e.g. "clip-vit-large-patch14". */
  readonly model: string;
  /** Set by the smoke family: random weights. */
  readonly isSmoke?: boolean;
  /** Registry family name. @default "slicvit" */
  readonly family?: string;
}

/** Region embeddings of one image: unit rows [index.regionCount, dim] and the mask→region structure. */
export interface ImageRegions {
  readonly index: RegionAttentionIndex;
  readonly embeddings: Float32Array;
}

export class SlicVitLocalizer implements Localizer {
  readonly info: LocalizerInfo;
  readonly prepareSpec: PrepareSpec;
  readonly options: ResolvedSlicVitOptions;
  /** Embedding size. */
  readonly dim: number;
  /** Stage times of the most recent `localize` call. */
  lastTimings: SlicVitTimings | undefined;
  readonly #vision: SpatialVisionEncoder;
  readonly #text: ClipTextEncoder;
  readonly #tokenizer: LoadedTokenizer;
  readonly #textCache = new Map<string, Float32Array>();
  #lastImage: { image: PreparedImage; regions: ImageRegions } | undefined;

  private constructor(
    info: LocalizerInfo,
    options: ResolvedSlicVitOptions,
    vision: SpatialVisionEncoder,
    text: ClipTextEncoder,
    tokenizer: LoadedTokenizer,
  ) {
    this.info = info;
    this.options = options;
    this.#vision = vision;
    this.#text = text;
    this.#tokenizer = tokenizer;
    this.dim = vision.embedDim;
    const size = vision.resolution;
    this.prepareSpec = Object.freeze({
      width: size,
      height: size,
      slic: Object.freeze({
        nSegments: options.nSegments,
        compactness: options.compactness,
        sigma: options.sigma,
      }),
    });
  }

  /**
   * Builds (or loads cached) graphs and opens ONNX sessions.
   * @throws GritlocError E_INVALID_OPTION for bad options, E_WEIGHTS_INVALID for an unusable checkpoint.
   */
  static async create(params: SlicVitLocalizerParams): Promise<SlicVitLocalizer> {
    const { checkpoint } = params;
    try {
      const options = resolveSlicVitOptions(params.options);
      const runtime = params.runtime ?? {};
      const choice = await chooseExecution(runtime);
      const cacheDir = runtime.cacheDir ?? defaultCacheDir();
      const vision = await SpatialVisionEncoder.load(checkpoint, choice, cacheDir, {
        upsample: options.upsample,
        startBlock: options.startBlock,
      });
      const text = await ClipTextEncoder.load(checkpoint, choice, cacheDir);
      const family = params.family ?? "slicvit";
      const optionsHash = createHash("sha256")
        .update(
          JSON.stringify({
            family,
            weights: checkpoint.sha256,
            config: checkpoint.config,
            tokenizer: params.tokenizer.identity,
            precision: choice.precision,
            options,
          }),
        )
        .digest("hex");
      const info: LocalizerInfo = Object.freeze({
        family,
        model: params.model,
        optionsHash,
        paramsInMillions: Math.round(checkpoint.parameterCount / 1e6),
        provider: choice.provider,
        isSmoke: params.isSmoke === true,
      });
      return new SlicVitLocalizer(info, options, vision, text, params.tokenizer);
    } finally {
      checkpoint.close();
    }
  }

  /** Unit-length text embeddings of `queries` (cached per string; uncached ones run as one batch). */
  async textEmbeddings(queries: readonly string[]): Promise<Float32Array[]> {
    const missing = [...new Set(queries.filter((q) => !this.#textCache.has(q)))];
    if (missing.length > 0) {
      const context = this.#text.contextLength;
      const ids = this.#tokenizer.tokenizer.encode(missing, context);
      const embeds = normalizeRows(await this.#text.embed(ids, missing.length), this.dim);
      for (const [i, q] of missing.entries()) {
        if (this.#textCache.size >= MAX_CACHED_QUERIES)
          this.#textCache.delete(this.#textCache.keys().next().value!);
        this.#textCache.set(q, embeds.slice(i * this.dim, (i + 1) * this.dim));
      }
    }
    return queries.map((q) => this.#textCache.get(q)!);
  }

  /** The image's region embeddings (unit rows); reused when the same PreparedImage comes again. */
  async regionEmbeddings(
    image: PreparedImage,
    timings?: { attentionIndex: number; vision: number },
  ): Promise<ImageRegions> {
    if (this.#lastImage?.image === image) return this.#lastImage.regions;
    this.#checkImage(image);
    let t = performance.now();
    const index = buildRegionAttentionIndex(image.labelMaps, this.#vision.grid, this.#vision.rowGroups);
    if (timings) timings.attentionIndex = performance.now() - t;
    t = performance.now();
    const raw = await this.#vision.embed(clipPixelValues(image.resized), index);
    const regions = { index, embeddings: normalizeRows(raw, this.dim) };
    if (timings) timings.vision = performance.now() - t;
    this.#lastImage = { image, regions };
    return regions;
  }

  /** One Localization per query (paper mode: one box, confidence 0.5, the heatmap attached). */
  async localize(image: PreparedImage, queries: readonly string[]): Promise<Localization[]> {
    if (!Array.isArray(queries) || !queries.every((q) => typeof q === "string"))
      throw invalidOption("queries", "an array of strings", queries);
    const timings = { attentionIndex: 0, vision: 0, text: 0, heatmap: 0, box: 0 };
    const { index, embeddings } = await this.regionEmbeddings(image, timings);
    let t = performance.now();
    const texts = await this.textEmbeddings(queries);
    timings.text = performance.now() - t;
    const counts = image.labelMaps.map((m) => m.count);
    const from = { width: image.resized.width, height: image.resized.height };
    const results: Localization[] = [];
    for (const text of texts) {
      t = performance.now();
      const logits = regionLogitsPerMap(embeddings, text, this.dim, index, counts);
      const heatmap = heatmapFromLabels(image.labelMaps, logits, this.options.temperature);
      timings.heatmap += performance.now() - t;
      t = performance.now();
      const box = boxSearch(heatmap, { alpha: this.options.alpha, downsample: BOX_DOWNSAMPLE });
      results.push({
        boxes: [scaleBoxToSource(box, from, image.sourceSize)],
        scores: [PAPER_CONFIDENCE],
        confidence: PAPER_CONFIDENCE,
        heatmap,
      });
      timings.box += performance.now() - t;
    }
    this.lastTimings = Object.freeze(timings);
    return results;
  }

  async dispose(): Promise<void> {
    this.#lastImage = undefined;
    this.#textCache.clear();
    await Promise.all([this.#vision.dispose(), this.#text.dispose()]);
    log.debug(`disposed ${this.info.model}`);
  }

  #checkImage(image: PreparedImage): void {
    const size = this.#vision.resolution;
    const levels = this.options.nSegments.length;
    if (image?.resized?.width !== size || image.resized.height !== size)
      throw invalidOption(
        "image.resized",
        `a ${size}×${size} image (use this localizer's prepareSpec)`,
        image?.resized,
      );
    if (!Array.isArray(image.labelMaps) || image.labelMaps.length !== levels)
      throw invalidOption(
        "image.labelMaps",
        `${levels} label maps (one per nSegments entry)`,
        image.labelMaps,
      );
    for (const [k, map] of image.labelMaps.entries()) {
      if (map.width !== size || map.height !== size)
        throw invalidOption(
          `image.labelMaps[${k}]`,
          `a ${size}×${size} label map`,
          `${map.width}×${map.height}`,
        );
    }
  }
}
