/**
 * The one interface every model family implements in full (slicvit, owlvit, ...).
 * PreparedImage + queries → one Localization per query.
 */
import type { BoxXyxy } from "../grit/box.js";
import type { Heatmap } from "../vision/heatmap.js";
import type { PreparedImage, PrepareSpec } from "../vision/prepare.js";

/** The result for one query: boxes in source-image pixels, best first. */
export interface Localization {
  readonly boxes: readonly BoxXyxy[];
  /** One score per box, same order. */
  readonly scores: readonly number[];
  /** GRIT confidence in [0, 1] for the whole prediction. */
  readonly confidence: number;
  /** Per-pixel relevance in the model's input space, where the family has one (SLICViT). */
  readonly heatmap?: Heatmap;
}

export interface LocalizerInfo {
  /** Family name as in the registry, e.g. "slicvit", "owlvit". */
  readonly family: string;
  /** Human-readable model name, e.g. "clip-vit-l14" or "smoke (random, seed 0)". */
  readonly model: string;
  /** Hash of weights identity + every option that changes outputs; a run folder is bound to it. */
  readonly optionsHash: string;
  /** For the submission's params.json. */
  readonly paramsInMillions: number;
  /** The ONNX Runtime execution provider actually in use. */
  readonly provider: "cpu" | "cuda";
  /** True for random-weight models whose scores mean nothing. */
  readonly isSmoke: boolean;
}

export interface Localizer {
  readonly info: LocalizerInfo;
  /** What the image pipeline must produce for `localize`. */
  readonly prepareSpec: PrepareSpec;
  /**
   * Localizes every query in one prepared image; per-image work is shared across the queries. A query's result
   * must not depend on which other queries are in the call (the runner groups the samples of an image).
   */
  localize(image: PreparedImage, queries: readonly string[]): Promise<Localization[]>;
  /** Releases ONNX sessions; the localizer is unusable afterwards. */
  dispose(): Promise<void>;
}
