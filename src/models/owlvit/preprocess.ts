/**
 * OWL-ViT image preprocessing after the resize (`OwlViTImageProcessor`, PIL path): rescale by 1/255, normalise
 * with CLIP's mean/std, in float32 with upstream's rounding at each step.
 * RgbImage (HWC uint8, image_size²) → pixel_values Float32Array [1, 3, H, W].
 */
import { GritlocError, invalidOption } from "../../errors.js";
import type { RgbImage } from "../../vision/image.js";
import { readConfigText } from "../weights/read-config-text.js";

/** What the processor does to the resized image; resolved once from `preprocessor_config.json`. */
export interface OwlVitPreprocessing {
  /** Square resize target (PIL bicubic, aspect ratio not kept). */
  readonly size: number;
  readonly rescaleFactor: number;
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
}

/** CLIP's normalisation constants, the OWL-ViT processor's defaults. */
export const OWLVIT_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const OWLVIT_STD = [0.26862954, 0.26130258, 0.27577711] as const;

/** The processor's defaults for a model whose vision config has `imageSize`. */
export function defaultOwlVitPreprocessing(imageSize: number): OwlVitPreprocessing {
  return { size: imageSize, rescaleFactor: 1 / 255, mean: OWLVIT_MEAN, std: OWLVIT_STD };
}

function processorError(path: string, problem: string): GritlocError {
  return new GritlocError(
    "E_WEIGHTS_INVALID",
    `${path}: ${problem}. Use the preprocessor_config.json that belongs to the checkpoint, or leave it out.`,
  );
}

function triple(raw: unknown, key: string, path: string, positive: boolean): [number, number, number] {
  if (
    !Array.isArray(raw) ||
    raw.length !== 3 ||
    !raw.every((v) => typeof v === "number" && Number.isFinite(v) && (!positive || v > 0))
  ) {
    throw processorError(
      path,
      `${key} must be a list of 3 ${positive ? "positive " : ""}numbers, got ${JSON.stringify(raw)}`,
    );
  }
  return [raw[0], raw[1], raw[2]];
}

/**
 * Parses a `preprocessor_config.json` (OwlViTImageProcessor / OwlViTFeatureExtractor). Only the PIL bicubic,
 * resize-to-square, rescale + normalise pipeline is supported; the resize size must equal the model's
 * `imageSize` (a center crop to the same size is a no-op and is accepted).
 * @throws GritlocError E_WEIGHTS_INVALID naming the file and key for anything else.
 */
export function parseOwlVitPreprocessing(text: string, path: string, imageSize: number): OwlVitPreprocessing {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw processorError(path, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw processorError(path, "must be a JSON object");
  const squareOf = (key: string): number | undefined => {
    const v = raw[key];
    if (v === undefined || v === null) return undefined;
    if (Number.isInteger(v)) return v as number;
    const hw = v as { height?: unknown; width?: unknown };
    if (typeof v === "object" && Number.isInteger(hw.height) && hw.height === hw.width)
      return hw.height as number;
    throw processorError(
      path,
      `${key} must be one integer or {height, width} with height = width, got ${JSON.stringify(v)}`,
    );
  };
  for (const flag of ["do_resize", "do_rescale", "do_normalize"]) {
    if (raw[flag] === false) throw processorError(path, `${flag} is false; OWL-ViT expects it true`);
  }
  if (raw.resample !== undefined && raw.resample !== 3) {
    throw processorError(
      path,
      `resample is ${JSON.stringify(raw.resample)}; only 3 (PIL BICUBIC) is supported`,
    );
  }
  const size = squareOf("size") ?? imageSize;
  if (size !== imageSize)
    throw processorError(path, `size ${size} differs from the model's image_size ${imageSize}`);
  const crop = squareOf("crop_size");
  if (raw.do_center_crop === true && crop !== undefined && crop !== size) {
    throw processorError(path, `center crop to ${crop} after resizing to ${size} is not supported`);
  }
  const rescaleFactor = raw.rescale_factor ?? 1 / 255;
  if (typeof rescaleFactor !== "number" || !(rescaleFactor > 0)) {
    throw processorError(
      path,
      `rescale_factor must be a positive number, got ${JSON.stringify(rescaleFactor)}`,
    );
  }
  return {
    size,
    rescaleFactor,
    mean: raw.image_mean === undefined ? OWLVIT_MEAN : triple(raw.image_mean, "image_mean", path, false),
    std: raw.image_std === undefined ? OWLVIT_STD : triple(raw.image_std, "image_std", path, true),
  };
}

/** Reads and parses a preprocessor config file (E_NOT_FOUND when unreadable). */
export function readOwlVitPreprocessing(path: string, imageSize: number): OwlVitPreprocessing {
  return parseOwlVitPreprocessing(readConfigText(path, "preprocessor config"), path, imageSize);
}

/**
 * `pixel_values` of an image already resized to `size`²: `float32(float64(u8) * rescale)`, then
 * `(x - float32(mean)) / float32(std)` in float32, transposed to CHW (bit-identical to the processor).
 * @throws GritlocError E_INVALID_OPTION when the image is not `size` × `size`.
 * @example owlVitPixelValues(resized, defaultOwlVitPreprocessing(768)) // Float32Array(3 * 768 * 768)
 */
export function owlVitPixelValues(image: RgbImage, preprocessing: OwlVitPreprocessing): Float32Array {
  const { width, height, data } = image;
  if (width !== preprocessing.size || height !== preprocessing.size) {
    throw invalidOption(
      "image (resized)",
      `a ${preprocessing.size}×${preprocessing.size} image (the localizer's prepareSpec)`,
      `${width}×${height}`,
    );
  }
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  const fr = Math.fround;
  for (let c = 0; c < 3; c++) {
    const mean = fr(preprocessing.mean[c]);
    const std = fr(preprocessing.std[c]);
    // 256 possible inputs per channel: one table, each entry rounded to float32 after every operation.
    const table = new Float32Array(256);
    for (let v = 0; v < 256; v++) table[v] = fr(fr(fr(v * preprocessing.rescaleFactor) - mean) / std);
    const base = c * plane;
    for (let i = 0; i < plane; i++) out[base + i] = table[data[i * 3 + c]];
  }
  return out;
}
