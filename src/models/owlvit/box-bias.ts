/**
 * `compute_box_bias` of `OwlViTForObjectDetection` (modeling_owlvit.py): the logit of each patch's grid
 * corner and of the patch size, which the box head's output is added to before the sigmoid.
 * grid size G → Float32Array [G², 4] (bias_x, bias_y, bias_w, bias_h), patch p = row * G + col.
 */

/** log(x + 1e-4) - log1p(-x + 1e-4) with float32 rounding after every op, as torch computes it in float32. */
function logitF32(x: number): number {
  const fr = Math.fround;
  const eps = fr(1e-4);
  return fr(fr(Math.log(fr(x + eps))) - fr(Math.log1p(fr(fr(-x) + eps))));
}

/**
 * The box bias for a G × G grid. Upstream computes it in float32 (coordinates `arange(1, G+1) / G` as float32,
 * float32 `log`/`log1p`); emulating that rounding reproduces it to ~1e-7, where the exact real-number
 * formula is off by up to 1.7e-4 at x = 1.
 * @example computeBoxBias(24).subarray(0, 4) // ≈ [-3.1332, -3.1332, -3.1332, -3.1332]
 */
export function computeBoxBias(grid: number): Float32Array {
  const fr = Math.fround;
  const out = new Float32Array(grid * grid * 4);
  const axis = new Float64Array(grid);
  // Corner coordinates (col + 1) / G, clipped to [0, 1] (a no-op here, kept for parity with upstream).
  for (let i = 0; i < grid; i++) axis[i] = logitF32(Math.min(1, Math.max(0, fr((i + 1) / grid))));
  const size = logitF32(fr(1 / grid));
  for (let row = 0; row < grid; row++) {
    for (let col = 0; col < grid; col++) {
      const o = (row * grid + col) * 4;
      out[o] = axis[col];
      out[o + 1] = axis[row];
      out[o + 2] = size;
      out[o + 3] = size;
    }
  }
  return out;
}
