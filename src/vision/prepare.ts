/**
 * Per-image CPU preparation that a model family asks for: resize to the model's input size and,
 * for SLICViT, the SLIC pyramid. Runs in the worker-thread pool so it overlaps with model execution.
 */
import type { RgbImage, Size } from "./image.js";
import type { LabelMap } from "./slic.js";

export interface SlicPyramidOptions {
  /** One SLIC run per entry, in this order (adapting-CLIP: 100, 150, ..., 600). */
  readonly nSegments: readonly number[];
  readonly compactness: number;
  readonly sigma: number;
}

/** What a localizer needs from each image before the model runs. Plain data: it crosses to worker threads. */
export interface PrepareSpec {
  /** Resize target (PIL-exact bicubic, aspect ratio not kept). */
  readonly width: number;
  readonly height: number;
  /** SLIC runs on the resized image; omitted for families that need none. */
  readonly slic?: SlicPyramidOptions;
}

export interface PreparedImage {
  /** Size of the decoded source image, for mapping boxes back. */
  readonly sourceSize: Size;
  /** The source resized to the spec's width × height. */
  readonly resized: RgbImage;
  /** One label map per `slic.nSegments` entry, in that order; empty when the spec has no `slic`. */
  readonly labelMaps: readonly LabelMap[];
}
