/**
 * Heatmap resampling for pictures: Heatmap (model input space, e.g. 224×224) → Float32Array at the source
 * image's size, bilinear with half-pixel centres (like PyTorch's `align_corners=False`, edges clamped).
 */

import type { Heatmap } from "../vision/heatmap.js";
import type { Size } from "../vision/image.js";

/** Bilinear resize of a heatmap to `size`; returns row-major values, length width · height. */
export function resizeHeatmapBilinear(heatmap: Heatmap, size: Size): Float32Array {
  const { width: sw, height: sh, data } = heatmap;
  const { width: dw, height: dh } = size;
  const out = new Float32Array(dw * dh);
  // Column taps are the same for every row: compute them once.
  const x0s = new Int32Array(dw);
  const x1s = new Int32Array(dw);
  const fxs = new Float32Array(dw);
  for (let x = 0; x < dw; x++) {
    const sx = Math.min(Math.max((x + 0.5) * (sw / dw) - 0.5, 0), sw - 1);
    x0s[x] = Math.floor(sx);
    x1s[x] = Math.min(x0s[x] + 1, sw - 1);
    fxs[x] = sx - x0s[x];
  }
  for (let y = 0; y < dh; y++) {
    const sy = Math.min(Math.max((y + 0.5) * (sh / dh) - 0.5, 0), sh - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, sh - 1);
    const fy = sy - y0;
    const r0 = y0 * sw;
    const r1 = y1 * sw;
    const o = y * dw;
    for (let x = 0; x < dw; x++) {
      const fx = fxs[x];
      const top = data[r0 + x0s[x]] * (1 - fx) + data[r0 + x1s[x]] * fx;
      const bottom = data[r1 + x0s[x]] * (1 - fx) + data[r1 + x1s[x]] * fx;
      out[o + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}
