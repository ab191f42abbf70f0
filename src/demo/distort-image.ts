/**
 * Distorted twins for the mini set: an RgbImage + a distortion name → GRIT's int delta array (distorted −
 * original, as in `dist_deltas_localization_*.hdf5`) and the distorted image made from it by the data
 * module's `applyDistortionDelta` (NumPy uint8 semantics), so the twins go through the real mechanism.
 */
import { applyDistortionDelta } from "../data/apply-delta.js";
import type { Hdf5Array } from "../data/hdf5-file.js";
import type { RgbImage } from "../vision/image.js";
import type { SeededRandom } from "./seeded-random.js";

/** Distortions the mini set uses (names as in GRIT's ImageNet-C style list). */
export const MINI_DISTORTIONS = [
  "gaussian_noise",
  "brightness",
  "pixelate",
  "contrast",
  "impulse_noise",
  "defocus_blur",
] as const;
export type MiniDistortion = (typeof MINI_DISTORTIONS)[number];

function clampByte(v: number): number {
  return Math.max(0, Math.min(255, v));
}

/** The distorted pixels, computed directly (exact integer or exactly rounded arithmetic only). */
function distortPixels(image: RgbImage, kind: MiniDistortion, rng: SeededRandom): Uint8Array {
  const { width, height, data } = image;
  const out = new Uint8Array(data.length);
  switch (kind) {
    case "gaussian_noise":
      // A sum of four uniforms is close to a normal with σ ≈ 23.
      for (let i = 0; i < data.length; i++)
        out[i] = clampByte(
          data[i] + rng.int(-20, 20) + rng.int(-20, 20) + rng.int(-20, 20) + rng.int(-20, 20),
        );
      return out;
    case "brightness":
      for (let i = 0; i < data.length; i++) out[i] = clampByte(data[i] + 70);
      return out;
    case "contrast":
      for (let i = 0; i < data.length; i++) out[i] = clampByte(Math.round(128 + (data[i] - 128) * 0.35));
      return out;
    case "impulse_noise":
      for (let i = 0; i < data.length; i++) {
        const r = rng.int(0, 99);
        out[i] = r < 3 ? 0 : r < 6 ? 255 : data[i];
      }
      return out;
    case "pixelate":
    case "defocus_blur": {
      // pixelate: means over 8×8 blocks; defocus_blur: a 7×7 box mean around each pixel (edges clamped).
      const block = kind === "pixelate";
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const ya = block ? y - (y % 8) : Math.max(0, y - 3);
          const yb = block ? Math.min(height, ya + 8) : Math.min(height, y + 4);
          const xa = block ? x - (x % 8) : Math.max(0, x - 3);
          const xb = block ? Math.min(width, xa + 8) : Math.min(width, x + 4);
          const n = (yb - ya) * (xb - xa);
          for (let c = 0; c < 3; c++) {
            let sum = 0;
            for (let yy = ya; yy < yb; yy++)
              for (let xx = xa; xx < xb; xx++) sum += data[(yy * width + xx) * 3 + c];
            out[(y * width + x) * 3 + c] = Math.floor(sum / n);
          }
        }
      }
      return out;
    }
  }
}

/** A distortion as GRIT ships it: the int16 delta and the image it gives. */
export interface DistortedTwin {
  readonly delta: Hdf5Array;
  readonly image: RgbImage;
}

/**
 * Distorts `image`: computes the distorted pixels, stores them as an int16 delta `[H, W, 3]` and rebuilds
 * the distorted image from original + delta with `applyDistortionDelta`.
 */
export function distortImage(image: RgbImage, kind: MiniDistortion, rng: SeededRandom): DistortedTwin {
  const target = distortPixels(image, kind, rng);
  const delta = new Int16Array(target.length);
  for (let i = 0; i < target.length; i++) delta[i] = target[i] - image.data[i];
  const array: Hdf5Array = { dtype: "int16", shape: [image.height, image.width, 3], data: delta };
  return { delta: array, image: applyDistortionDelta(image, array, `delta (${kind})`) };
}
