/**
 * Box overlap as the official GRIT metric computes it (`metrics/localization.py`: `compute_area`, `compute_iou`):
 * two `BoxXyxy` → IoU with a 1e-6 epsilon in the denominator.
 */
import type { BoxXyxy } from "./box.js";

/** Area of a box; 0 when x2 <= x1 or y2 <= y1 (degenerate or inverted), as `compute_area(..., invalid=0)`. */
export function boxArea(box: BoxXyxy): number {
  const [x1, y1, x2, y2] = box;
  return x2 <= x1 || y2 <= y1 ? 0 : (x2 - x1) * (y2 - y1);
}

/**
 * IoU exactly as GRIT's `compute_iou`: `inter / (area1 + area2 - inter + 1e-6)`, evaluated in the same operation
 * order (so the result is bit-identical). Because of the epsilon, identical boxes give IoU < 1, and a box with
 * zero area always gives 0. Touching boxes give 0.
 *
 * @example
 * computeIou([0, 0, 1, 1], [0, 0, 1, 1]); // 0.9999990000010001
 */
export function computeIou(a: BoxXyxy, b: BoxXyxy): number {
  const ix1 = Math.max(a[0], b[0]);
  const iy1 = Math.max(a[1], b[1]);
  const ix2 = Math.min(a[2], b[2]);
  const iy2 = Math.min(a[3], b[3]);
  const intersection = ix2 <= ix1 || iy2 <= iy1 ? 0 : (ix2 - ix1) * (iy2 - iy1);
  const union = boxArea(a) + boxArea(b) - intersection;
  return intersection / (union + 1e-6);
}
