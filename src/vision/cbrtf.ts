/**
 * Float32 cube root as glibc 2.36 computes `cbrtf` (`sysdeps/ieee754/flt-32/s_cbrtf.c`): a quadratic first
 * guess and one Halley step, with that file's float/double roundings. NumPy's float32 `np.cbrt` calls it on
 * CPUs without AVX-512, and scikit-image's `rgb2lab` uses it, so SLIC's Lab image depends on its last bit.
 */

/** 2^(1/3) and 2^(2/3): glibc's decimal literals, written as the doubles they round to. */
const CBRT2 = 1.2599210498948732;
const SQR_CBRT2 = 1.5874010519681996;
/** 2^(e/3) for e mod 3 in -2..2, indexed by e % 3 + 2. */
const FACTOR = new Float64Array([1.0 / SQR_CBRT2, 1.0 / CBRT2, 1.0, CBRT2, SQR_CBRT2]);

const bits = new Float32Array(1);
const bitsU32 = new Uint32Array(bits.buffer);

/**
 * Cube root of a float32 value, returned as a number holding a float32.
 * @example cbrtf(0.125) // 0.5
 */
export function cbrtf(x: number): number {
  const fround = Math.fround;
  x = fround(x);
  if (x === 0 || !Number.isFinite(x)) return x + x;
  bits[0] = Math.abs(x);
  let exponent = (bitsU32[0] >>> 23) & 0xff;
  let scaleBack = 0;
  if (exponent === 0) {
    // Subnormal: normalise first, as frexpf does.
    bits[0] *= 2 ** 25;
    exponent = (bitsU32[0] >>> 23) & 0xff;
    scaleBack = 25;
  }
  const xe = exponent - 126 - scaleBack;
  // Mantissa in [0.5, 1).
  bitsU32[0] = (bitsU32[0] & 0x807fffff) | (126 << 23);
  const xm = bits[0];
  const u = fround(0.49265962052896956 + (0.6975704602079228 - 0.19150216167871906 * xm) * xm);
  const t2 = fround(fround(u * u) * u);
  const ym = fround(((u * (t2 + 2.0 * xm)) / (2.0 * t2 + xm)) * FACTOR[2 + (xe % 3)]);
  const y = fround(ym * 2 ** Math.trunc(xe / 3));
  return x > 0 ? y : -y;
}
