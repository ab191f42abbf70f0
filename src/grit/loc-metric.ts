/**
 * The per-sample GRIT localization score (`metrics/localization.py`: `assign_boxes`, `loc_metric`):
 * predicted boxes + ground-truth boxes → a score in [0, 1].
 */
import { munkres } from "munkres";
import type { BoxXyxy } from "./box.js";
import { computeIou } from "./iou.js";
import { pairwiseSum } from "./pairwise-sum.js";

/** The assignment behind a score: matched (pred, gt) index pairs with IoU > 0, sorted by prediction index. */
export interface LocAssignment {
  readonly pairs: readonly (readonly [predIndex: number, gtIndex: number])[];
  readonly ious: readonly number[];
}

/** With one row or one column the optimal assignment is the single pair of highest IoU (the common case). */
function bestSinglePair(ious: readonly (readonly number[])[]): [number, number][] {
  let best: [number, number] = [0, 0];
  for (let i = 0; i < ious.length; i++) {
    for (let j = 0; j < ious[i].length; j++) if (ious[i][j] > ious[best[0]][best[1]]) best = [i, j];
  }
  return [best];
}

function solveAssignment(ious: readonly (readonly number[])[]): [number, number][] {
  return munkres(ious.map((row) => row.map((iou) => 1 - iou))).sort((a, b) => a[0] - b[0]);
}

/**
 * Optimal one-to-one assignment of predictions to ground truth that minimises Σ(1 − IoU) (the Hungarian method,
 * via `munkres`, which solves rectangular matrices directly: min(#pred, #gt) pairs; a single row or column
 * needs no solver). Pairs with IoU 0 are
 * dropped afterwards, as upstream does. Pairs come sorted by prediction index, the order in which
 * scipy's `linear_sum_assignment` returns them (this fixes the summation order).
 */
export function assignBoxes(pred: readonly BoxXyxy[], gt: readonly BoxXyxy[]): LocAssignment {
  if (pred.length === 0 || gt.length === 0) return { pairs: [], ious: [] };
  const ious = pred.map((p) => gt.map((g) => computeIou(p, g)));
  const assigned = pred.length === 1 || gt.length === 1 ? bestSinglePair(ious) : solveAssignment(ious);
  const pairs: (readonly [number, number])[] = [];
  const pairIous: number[] = [];
  for (const [i, j] of assigned) {
    if (ious[i][j] > 0) {
      pairs.push([i, j]);
      pairIous.push(ious[i][j]);
    }
  }
  return { pairs, ious: pairIous };
}

/**
 * GRIT's localization score for one sample: both lists empty → 1; exactly one empty → 0; otherwise
 * Σ matched IoU / (#pred + #missed gt), where #missed = #gt − #matched pairs with IoU > 0. There is no IoU
 * threshold: every extra prediction and every missed box lowers the score; degenerate and duplicate boxes still
 * count in #pred / #gt.
 *
 * @example
 * locMetric([[414, 263, 484, 308]], [[414, 263, 484, 308]]); // 0.9999999996825397
 * locMetric([], []); // 1
 */
export function locMetric(pred: readonly BoxXyxy[], gt: readonly BoxXyxy[]): number {
  if (pred.length === 0 && gt.length === 0) return 1;
  if (pred.length === 0 || gt.length === 0) return 0;
  const { ious } = assignBoxes(pred, gt);
  const missed = gt.length - ious.length;
  // Upstream sums with np.sum (pairwise); same order here.
  return pairwiseSum(ious) / (pred.length + missed);
}
