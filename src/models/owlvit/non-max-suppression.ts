/**
 * Greedy non-maximum suppression: boxes in score order → the indices kept, each overlapping no better kept box
 * by more than the IoU threshold (IoU as GRIT's metric computes it).
 */
import type { BoxXyxy } from "../../grit/box.js";
import { computeIou } from "../../grit/iou.js";

/**
 * Walks `order` (indices into `boxes`, best first) and keeps a box unless its IoU with an already kept box is
 * above `iouThreshold`; stops after `maxKeep` boxes.
 * @example nonMaxSuppression([[0, 0, 10, 10], [1, 1, 10, 10], [20, 20, 30, 30]], [0, 1, 2], 0.5, 10) // [0, 2]
 */
export function nonMaxSuppression(
  boxes: readonly BoxXyxy[],
  order: readonly number[],
  iouThreshold: number,
  maxKeep: number,
): number[] {
  const kept: number[] = [];
  for (const i of order) {
    if (kept.length >= maxKeep) break;
    let suppressed = false;
    for (const k of kept) {
      if (computeIou(boxes[i], boxes[k]) > iouThreshold) {
        suppressed = true;
        break;
      }
    }
    if (!suppressed) kept.push(i);
  }
  return kept;
}
