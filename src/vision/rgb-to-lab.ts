/**
 * SLIC's colour stage: RgbImage → Float32Array Lab (HWC), as scikit-image 0.19.3 `slic` prepares a float32
 * `img / 255` input: joint min–max rescale over all channels, then `skimage/color/colorconv.py` `rgb2lab`
 * (sRGB, D65, 2° observer), every step rounded to float32 in upstream order.
 */
import { cbrtf } from "./cbrtf.js";
import type { RgbImage } from "./image.js";

const f32 = Math.fround;

/** `xyz_from_rgb` rows, cast to float32 as `arr @ matrix.T.astype(arr.dtype)` does. */
const M00 = f32(0.412453);
const M01 = f32(0.35758);
const M02 = f32(0.180423);
const M10 = f32(0.212671);
const M11 = f32(0.71516);
const M12 = f32(0.072169);
const M20 = f32(0.019334);
const M21 = f32(0.119193);
const M22 = f32(0.950227);
/** D65 / 2° reference white. */
const WHITE_X = f32(0.95047);
const WHITE_Z = f32(1.08883);
const SRGB_KNEE = f32(0.04045);
const LAB_KNEE = f32(0.008856);
const LAB_SLOPE = f32(7.787);
const LAB_OFFSET = f32(16 / 116);
const POW_EXPONENT = f32(2.4);

/**
 * float32 a*b + c with one rounding. The product of two float32 values is exact in a double, so only the sum
 * rounds twice, and only on an exact float32 tie (never seen on image data).
 */
function fma32(a: number, b: number, c: number): number {
  return f32(a * b + c);
}

/**
 * The 256 possible linear-RGB values of this image: byte → float32(v/255) → min–max rescale → sRGB
 * linearisation (`rgb2xyz`). Every channel shares the table because the rescale is joint over channels.
 */
function linearTable(data: Uint8Array): Float32Array {
  let lo = 255;
  let hi = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const min = f32(lo / 255);
  const max = f32(f32(hi / 255) - min);
  const table = new Float32Array(256);
  for (let v = 0; v < 256; v++) {
    let x = f32(f32(v / 255) - min);
    if (max !== 0) x = f32(x / max);
    // np.power(float32, 2.4) rounded once (glibc powf is correctly rounded here in all but rare ties).
    table[v] =
      x > SRGB_KNEE ? f32(f32(f32(x + f32(0.055)) / f32(1.055)) ** POW_EXPONENT) : f32(x / f32(12.92));
  }
  return table;
}

function labF(t: number): number {
  return t > LAB_KNEE ? cbrtf(t) : f32(f32(LAB_SLOPE * t) + LAB_OFFSET);
}

/**
 * The CIE-Lab image that scikit-image's `slic` clusters (before its 1/compactness scaling), HWC float32.
 * `out` is reused when given (length width * height * 3).
 */
export function rgbToLab(
  img: RgbImage,
  out: Float32Array = new Float32Array(img.width * img.height * 3),
): Float32Array {
  const { data } = img;
  const lin = linearTable(data);
  const n = img.width * img.height * 3;
  for (let p = 0; p < n; p += 3) {
    const r = lin[data[p]];
    const g = lin[data[p + 1]];
    const b = lin[data[p + 2]];
    // The matrix product accumulates with fused multiply-adds, as OpenBLAS's sgemm kernels do on x86-64
    // (this reproduces the reference Lab fixture; a plain float32 sum differs only in last bits).
    const x = f32(fma32(b, M02, fma32(g, M01, f32(r * M00))) / WHITE_X);
    const y = fma32(b, M12, fma32(g, M11, f32(r * M10)));
    const z = f32(fma32(b, M22, fma32(g, M21, f32(r * M20))) / WHITE_Z);
    const fx = labF(x);
    const fy = labF(y);
    const fz = labF(z);
    out[p] = f32(f32(f32(116) * fy) - f32(16));
    out[p + 1] = f32(f32(500) * f32(fx - fy));
    out[p + 2] = f32(f32(200) * f32(fy - fz));
  }
  return out;
}
