/**
 * GRIT distortions: an undistorted RgbImage + its delta array → the distorted RgbImage, byte for byte as
 * allenai/grit_official `generate_distortions.py` computes `(np.asarray(img) + delta).astype(np.uint8)`.
 *
 * NumPy semantics, per delta dtype:
 * - integers: `uint8 + intN` promotes to a wider integer, then `astype(uint8)` keeps the low 8 bits, so the
 *   result is (pixel + delta) mod 256 for every integer dtype (wraparound, never clipping).
 * - float32/float64: the sum is computed in that float type (float32 rounding matters), then cast like C
 *   `(uint8)x` on x86-64: truncation toward zero through int32, low 8 bits kept; values outside int32 range
 *   and NaN become 0 (the "integer indefinite" of cvttss2si/cvttsd2si). E.g. -1.5 → 255, 300.7 → 44.
 *   This is what NumPy 1.24 does on x86-64 (where GRIT was run); ARM saturates instead.
 */
import { GritlocError } from "../errors.js";
import type { RgbImage } from "../vision/image.js";
import type { Hdf5Array } from "./hdf5-file.js";

const TWO_31 = 2 ** 31;

/** C's `(uint8_t)x` for a float on x86-64 (see the file header). */
export function floatToUint8(x: number): number {
  if (Number.isNaN(x)) return 0;
  const t = Math.trunc(x);
  if (t >= TWO_31 || t < -TWO_31) return 0;
  return t & 0xff;
}

/**
 * Adds `delta` to `image` with NumPy's uint8 semantics (see the file header).
 * `delta.shape` must be [height, width, 3].
 * @throws GritlocError E_DATA_INVALID when the delta's shape does not match the image.
 * @example
 * const distorted = applyDistortionDelta(await decodeImage("coco/test2015/x.jpg"), deltas.read(exampleId));
 */
export function applyDistortionDelta(image: RgbImage, delta: Hdf5Array, name = "delta"): RgbImage {
  const { width, height } = image;
  const [h, w, c] = delta.shape;
  if (delta.shape.length !== 3 || h !== height || w !== width || c !== 3) {
    throw new GritlocError(
      "E_DATA_INVALID",
      `${name} has shape [${delta.shape.join(", ")}] but the image is ${width}×${height} (expected [${height}, ${width}, 3]). ` +
        "The undistorted image differs from the one GRIT used: delete it and rerun setup to fetch it again.",
    );
  }
  const src = image.data;
  const out = new Uint8Array(src.length);
  const d = delta.data;
  switch (delta.dtype) {
    case "int64":
    case "uint64": {
      const big = d as BigInt64Array | BigUint64Array;
      for (let i = 0; i < out.length; i++)
        out[i] = (Number(BigInt.asUintN(8, big[i] as bigint)) + (src[i] as number)) & 0xff;
      break;
    }
    case "float32": {
      const f = d as Float32Array;
      for (let i = 0; i < out.length; i++)
        out[i] = floatToUint8(Math.fround((src[i] as number) + (f[i] as number)));
      break;
    }
    case "float64": {
      const f = d as Float64Array;
      for (let i = 0; i < out.length; i++) out[i] = floatToUint8((src[i] as number) + (f[i] as number));
      break;
    }
    default: {
      // Integers up to 32 bits: the sum stays exact in a double; `& 0xff` keeps the low byte of its two's complement.
      const n = d as Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;
      for (let i = 0; i < out.length; i++) out[i] = ((src[i] as number) + (n[i] as number)) & 0xff;
    }
  }
  return { width, height, data: out };
}
