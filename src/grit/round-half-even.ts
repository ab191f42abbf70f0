/**
 * NumPy's `round(v, decimals)` for float64 (what `round(np.float64, 4)` does in `evaluate.py`):
 * v·10^d → round half to even → ÷10^d.
 */

/**
 * Rounds like `np.round(value, decimals)`: scale, round half to even, unscale (keeps the sign of zero).
 *
 * @example
 * roundHalfEven(2.5, 0); // 2
 * roundHalfEven(48.19104, 4); // 48.191
 */
export function roundHalfEven(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  const scaled = value * factor;
  const floor = Math.floor(scaled);
  const diff = scaled - floor;
  let rounded = diff > 0.5 || (diff === 0.5 && floor % 2 !== 0) ? floor + 1 : floor;
  if (rounded === 0 && (scaled < 0 || Object.is(scaled, -0))) rounded = -0;
  return rounded / factor;
}
