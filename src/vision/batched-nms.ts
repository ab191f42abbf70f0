/**
 * Non-maximum suppression exactly as torchvision 0.14 computes it on the CPU (float32 arithmetic, strict
 * `iou > threshold`, scores sorted descending with ties in index order), and its `batched_nms` with both of
 * its paths: boxes [N, 4] (x1, y1, x2, y2) + scores [N] (+ class ids [N]) → kept indices, best first.
 * Detectron2 models (the RegionCLIP RPN and box head) select with it, so a port has to reproduce which path
 * runs: above 1,000 boxes (`numel > 4000`, CPU) per-class "vanilla" NMS, else the "coordinate trick" that
 * shifts each class's boxes by `class · (max coordinate + 1)` in float32 — the shift rounds coordinates (up to
 * 0.125 px at offsets near 10⁶), which can flip IoUs near the threshold.
 */

const fr = Math.fround;

/** torchvision switches from the coordinate trick to per-class NMS above this many box values on the CPU. */
export const CPU_VANILLA_NUMEL = 4000;

/** Which `batched_nms` path runs for `count` boxes on the CPU. */
export function batchedNmsPath(count: number): "vanilla" | "coordinate_trick" {
  return count * 4 > CPU_VANILLA_NUMEL ? "vanilla" : "coordinate_trick";
}

/** Indices of `scores` (restricted to `subset`, default all) sorted descending, ties in index order. */
function descendingOrder(scores: ArrayLike<number>, subset?: readonly number[]): number[] {
  const order = subset === undefined ? Array.from({ length: scores.length }, (_, i) => i) : [...subset];
  return order.sort((a, b) => scores[b] - scores[a] || a - b);
}

/**
 * `torchvision.ops.nms`: walks the boxes of `subset` (default all) in descending score order and keeps a box
 * unless a kept box overlaps it with IoU > `iouThreshold` (IoU in float32, compared with the double threshold).
 * @example nms(Float32Array.of(0, 0, 10, 10, 1, 1, 10, 10), Float32Array.of(0.9, 0.8), 0.5) // [0]
 */
export function nms(
  boxes: Float32Array,
  scores: ArrayLike<number>,
  iouThreshold: number,
  subset?: readonly number[],
): number[] {
  const order = descendingOrder(scores, subset);
  const area = new Float32Array(boxes.length / 4);
  for (const i of order)
    area[i] = fr(boxes[i * 4 + 2] - boxes[i * 4]) * fr(boxes[i * 4 + 3] - boxes[i * 4 + 1]);
  const suppressed = new Uint8Array(order.length);
  const keep: number[] = [];
  for (let a = 0; a < order.length; a++) {
    if (suppressed[a]) continue;
    const i = order[a];
    keep.push(i);
    const ix1 = boxes[i * 4];
    const iy1 = boxes[i * 4 + 1];
    const ix2 = boxes[i * 4 + 2];
    const iy2 = boxes[i * 4 + 3];
    const iarea = area[i];
    for (let b = a + 1; b < order.length; b++) {
      if (suppressed[b]) continue;
      const j = order[b];
      const w = Math.max(0, fr(Math.min(ix2, boxes[j * 4 + 2]) - Math.max(ix1, boxes[j * 4])));
      const h = Math.max(0, fr(Math.min(iy2, boxes[j * 4 + 3]) - Math.max(iy1, boxes[j * 4 + 1])));
      const inter = fr(w * h);
      const iou = fr(inter / fr(fr(iarea + area[j]) - inter));
      if (iou > iouThreshold) suppressed[b] = 1;
    }
  }
  return keep;
}

/**
 * `torchvision.ops.batched_nms` (CPU): NMS within each class of `classes`, kept indices sorted by score
 * descending (ties in index order), using the same path torchvision would for this many boxes.
 * @example batchedNms(Float32Array.of(0, 0, 10, 10, 1, 1, 10, 10), Float32Array.of(0.9, 0.8), Int32Array.of(0, 1), 0.5) // [0, 1]
 */
export function batchedNms(
  boxes: Float32Array,
  scores: ArrayLike<number>,
  classes: ArrayLike<number>,
  iouThreshold: number,
): number[] {
  const count = scores.length;
  if (count === 0) return [];
  if (batchedNmsPath(count) === "vanilla") {
    const members = new Map<number, number[]>();
    for (let i = 0; i < count; i++) {
      const list = members.get(classes[i]);
      if (list === undefined) members.set(classes[i], [i]);
      else list.push(i);
    }
    const kept: number[] = [];
    for (const list of members.values()) kept.push(...nms(boxes, scores, iouThreshold, list));
    return descendingOrder(scores, kept);
  }
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < count * 4; i++) max = Math.max(max, boxes[i]);
  const step = fr(max + 1);
  const shifted = new Float32Array(count * 4);
  for (let i = 0; i < count; i++) {
    const offset = fr(classes[i] * step);
    for (let c = 0; c < 4; c++) shifted[i * 4 + c] = boxes[i * 4 + c] + offset;
  }
  return nms(shifted, scores, iouThreshold);
}
