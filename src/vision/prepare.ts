/**
 * Per-image CPU preparation that a model family asks for: image file → decode → resize to the model's input
 * size → (for SLICViT) the SLIC pyramid. PrepareSpec + source → PreparedImage. Runs in the worker-thread pool
 * (`prepare-pool.ts`) so it overlaps with model execution.
 */
import { invalidOption } from "../errors.js";
import { decodeImage } from "./decode.js";
import type { RgbImage, Size } from "./image.js";
import { validatePositiveInteger } from "./image.js";
import { resizeBicubic } from "./resize.js";
import { type LabelMap, type SlicPyramidOptions, slicPyramid } from "./slic.js";

export type { SlicPyramidOptions } from "./slic.js";

/** What a localizer needs from each image before the model runs. Plain data: it crosses to worker threads. */
export interface PrepareSpec {
  /**
   * Resize target (PIL-exact bicubic, aspect ratio not kept). Without width and height the image keeps its
   * source size: for families whose input size depends on the image (RegionCLIP resizes the shortest edge
   * itself).
   */
  readonly width?: number;
  readonly height?: number;
  /** SLIC runs on the resized image; omitted for families that need none. */
  readonly slic?: SlicPyramidOptions;
}

export interface PreparedImage {
  /** Size of the decoded source image, for mapping boxes back. */
  readonly sourceSize: Size;
  /** The source resized to the spec's width × height (the source itself when the spec has no size). */
  readonly resized: RgbImage;
  /** One label map per `slic.nSegments` entry, in that order; empty when the spec has no `slic`. */
  readonly labelMaps: readonly LabelMap[];
}

/**
 * Checks a spec before any work (the SLIC options are checked again, in full, by `slicPyramid`).
 * @throws GritlocError E_INVALID_OPTION naming the field.
 */
export function validatePrepareSpec(spec: PrepareSpec): void {
  if (typeof spec !== "object" || spec === null) throw invalidOption("spec", "a PrepareSpec object", spec);
  if (spec.width !== undefined || spec.height !== undefined) {
    validatePositiveInteger("spec.width", spec.width);
    validatePositiveInteger("spec.height", spec.height);
  }
  if (spec.slic !== undefined && (typeof spec.slic !== "object" || spec.slic === null)) {
    throw invalidOption("spec.slic", "SLIC pyramid options or undefined", spec.slic);
  }
}

/**
 * Resizes an already decoded image and runs the spec's SLIC pyramid on the result.
 * @throws GritlocError E_INVALID_OPTION for a bad spec or image.
 */
export function prepareDecoded(source: RgbImage, spec: PrepareSpec): PreparedImage {
  validatePrepareSpec(spec);
  const resized =
    spec.width === undefined || spec.height === undefined
      ? source
      : resizeBicubic(source, spec.width, spec.height);
  const labelMaps = spec.slic === undefined ? [] : slicPyramid(resized, spec.slic);
  return { sourceSize: { width: source.width, height: source.height }, resized, labelMaps };
}

/**
 * Decodes (PIL-exact), resizes (PIL-exact bicubic) and, when the spec asks for it, runs the SLIC pyramid —
 * in the calling thread. For a stream of images use `createPreparePool`.
 * @throws GritlocError E_IMAGE_DECODE naming the file; E_INVALID_OPTION for a bad spec.
 * @example
 * const prepared = await prepareImage("photo.jpg", {
 *   width: 224, height: 224, slic: { nSegments: [100, 150, 200], compactness: 50, sigma: 0 },
 * });
 */
export async function prepareImage(source: string | Uint8Array, spec: PrepareSpec): Promise<PreparedImage> {
  validatePrepareSpec(spec);
  return prepareDecoded(await decodeImage(source), spec);
}
