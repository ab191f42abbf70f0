/**
 * gritloc's own corruptions for the proxy's distorted twins (GRIT's generator is not public, and its deltas fit
 * only GRIT's images): an RgbImage + a corruption kind + a per-sample seed → the twin's file bytes. Each kind has
 * fixed parameters (`CORRUPTIONS`); pixels are computed with integer or exactly rounded arithmetic only, so the
 * same input and seed give the same bytes twice. docs/proxy.md lists the parameters.
 */

import { seededUniform } from "../seeded-uniform.js";
import { encodeJpeg, encodePng } from "../vision/encode.js";
import type { RgbImage } from "../vision/image.js";

export const CORRUPTION_KINDS = ["jpeg", "gaussian_blur", "gaussian_noise", "brightness_contrast"] as const;
export type CorruptionKind = (typeof CORRUPTION_KINDS)[number];

/** The fixed parameters of each kind (recorded in proxy-report.json). */
export const CORRUPTIONS = {
  /** Re-encoded as a baseline JPEG (4:2:0) at this quality; the twin is that JPEG file. */
  jpeg: { quality: 12 },
  /**
   * Separable binomial kernel C(order, k) / 2^order (order 16: σ = √(order/4) = 2 px), borders replicated.
   * The binomial kernel is the integer approximation of a Gaussian.
   */
  gaussian_blur: { order: 16, sigma: 2 },
  /** Per channel value + σ·(sum of 12 seeded uniforms − 6) (Irwin–Hall ≈ N(0, 1)), rounded and clipped. */
  gaussian_noise: { sigma: 20, uniformsPerValue: 12 },
  /** round((v − 128)·contrast + 128 + brightness), clipped to 0–255. */
  brightness_contrast: { contrast: 0.6, brightness: -40 },
} as const satisfies Record<CorruptionKind, Record<string, number>>;

/** File extension of a kind's twin: JPEG for "jpeg", lossless PNG for the others. */
export function corruptionExtension(kind: CorruptionKind): ".jpg" | ".png" {
  return kind === "jpeg" ? ".jpg" : ".png";
}

const clampByte = (v: number) => Math.max(0, Math.min(255, v));

function binomialKernel(order: number): number[] {
  const k = [1];
  for (let n = 0; n < order; n++) k.push(0);
  for (let n = 1; n <= order; n++) for (let i = n; i > 0; i--) k[i] = (k[i] as number) + (k[i - 1] as number);
  return k;
}

function gaussianBlur(image: RgbImage): Uint8Array {
  const { width, height, data } = image;
  const { order } = CORRUPTIONS.gaussian_blur;
  const kernel = binomialKernel(order);
  const r = order / 2;
  // Horizontal sums stay exact integers (≤ 255·2^16); the vertical pass sums to ≤ 255·2^32 < 2^53.
  const rows = new Float64Array(data.length);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let k = -r; k <= r; k++) {
          const xx = Math.min(width - 1, Math.max(0, x + k));
          sum += (kernel[k + r] as number) * (data[(y * width + xx) * 3 + c] as number);
        }
        rows[(y * width + x) * 3 + c] = sum;
      }
  const out = new Uint8Array(data.length);
  const total = 2 ** (2 * order);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let k = -r; k <= r; k++) {
          const yy = Math.min(height - 1, Math.max(0, y + k));
          sum += (kernel[k + r] as number) * (rows[(yy * width + x) * 3 + c] as number);
        }
        out[(y * width + x) * 3 + c] = Math.floor((sum + total / 2) / total);
      }
  return out;
}

function gaussianNoise(image: RgbImage, seed: number): Uint8Array {
  const { sigma, uniformsPerValue } = CORRUPTIONS.gaussian_noise;
  const next = seededUniform(seed);
  const out = new Uint8Array(image.data.length);
  for (let i = 0; i < out.length; i++) {
    // Each uniform is k/2^32, so the sum of 12 is exact in a double.
    let sum = 0;
    for (let k = 0; k < uniformsPerValue; k++) sum += next();
    out[i] = clampByte(Math.round((image.data[i] as number) + sigma * (sum - uniformsPerValue / 2)));
  }
  return out;
}

function brightnessContrast(image: RgbImage): Uint8Array {
  const { contrast, brightness } = CORRUPTIONS.brightness_contrast;
  const out = new Uint8Array(image.data.length);
  for (let i = 0; i < out.length; i++)
    out[i] = clampByte(Math.round(((image.data[i] as number) - 128) * contrast + 128 + brightness));
  return out;
}

/**
 * The twin's file bytes: a JPEG for "jpeg", otherwise a PNG of the corrupted pixels. `seed` is used by
 * "gaussian_noise" only (the others are deterministic functions of the pixels).
 * @example
 * const bytes = await corruptImage(image, "gaussian_noise", 1234);
 */
export async function corruptImage(image: RgbImage, kind: CorruptionKind, seed: number): Promise<Uint8Array> {
  if (kind === "jpeg") return encodeJpeg(image, { quality: CORRUPTIONS.jpeg.quality });
  const data =
    kind === "gaussian_blur"
      ? gaussianBlur(image)
      : kind === "gaussian_noise"
        ? gaussianNoise(image, seed)
        : brightnessContrast(image);
  return encodePng({ width: image.width, height: image.height, data });
}
