/**
 * Non-maximum suppression in float32 exactly as torchvision 0.14 computes it on the CPU: boxes
 * Float32Array [n, 4] (x1, y1, x2, y2) + scores [n] (+ class ids) → kept indices, best first.
 * Ports `torchvision/csrc/ops/cpu/nms_kernel.cpp` and `torchvision/ops/boxes.py` `batched_nms`, including its
 * size rule between per-class ("vanilla") NMS and the coordinate-offset trick, which rounds coordinates and so
 * can change near-threshold decisions. (OWL-ViT's post-processing keeps its own NMS over GRIT's double IoU.)
 */

const fr = Math.fround;

/** Indices 0..n-1 ordered by score descending; ties (and the order of NaNs, which torch sorts first) by index. */
export function argsortDescending(scores: ArrayLike<number>, indices?: Int32Array): Int32Array {
  const order =
    indices === undefined ? Int32Array.from({ length: scores.length }, (_, i) => i) : indices.slice();
  return order.sort((a, b) => {
    const sa = scores[a];
    const sb = scores[b];
    if (sa !== sb) {
      if (Number.isNaN(sa)) return Number.isNaN(sb) ? a - b : -1;
      if (Number.isNaN(sb)) return 1;
      return sb - sa;
    }
    return a - b;
  });
}

/**
 * torchvision `nms(boxes, scores, iouThreshold)`: visits boxes in score order (stable sort, so equal scores keep
 * index order) and suppresses every later box whose IoU with a kept one is `> iouThreshold`. Areas, overlaps and
 * the IoU are float32 operations as in the C++ kernel; the comparison is against the double threshold.
 * @example nmsFloat32(Float32Array.of(0, 0, 10, 10, 1, 1, 10, 10, 20, 20, 30, 30), Float32Array.of(0.9, 0.8, 0.7), 0.5) // [0, 2]
 */
export function nmsFloat32(boxes: Float32Array, scores: Float32Array, iouThreshold: number): Int32Array {
  const n = scores.length;
  checkBoxes(boxes, n);
  const order = argsortDescending(scores);
  // Coordinates and areas gathered in score order, so the O(n²) loop reads memory sequentially.
  const x1 = new Float32Array(n);
  const y1 = new Float32Array(n);
  const x2 = new Float32Array(n);
  const y2 = new Float32Array(n);
  const areas = new Float32Array(n);
  for (let a = 0; a < n; a++) {
    const o = 4 * order[a];
    x1[a] = boxes[o];
    y1[a] = boxes[o + 1];
    x2[a] = boxes[o + 2];
    y2[a] = boxes[o + 3];
    areas[a] = fr(x2[a] - x1[a]) * fr(y2[a] - y1[a]);
  }
  const suppressed = new Uint8Array(n);
  const keep = new Int32Array(n);
  // Disjoint boxes have IoU 0 (or 0/0 = NaN), which suppresses nothing unless the threshold is negative.
  const skipDisjoint = iouThreshold >= 0;
  let kept = 0;
  for (let a = 0; a < n; a++) {
    if (suppressed[a] === 1) continue;
    keep[kept++] = order[a];
    const ix1 = x1[a];
    const iy1 = y1[a];
    const ix2 = x2[a];
    const iy2 = y2[a];
    const iarea = areas[a];
    for (let b = a + 1; b < n; b++) {
      if (suppressed[b] === 1) continue;
      const w = Math.max(0, fr(Math.min(ix2, x2[b]) - Math.max(ix1, x1[b])));
      if (w === 0 && skipDisjoint) continue;
      const h = Math.max(0, fr(Math.min(iy2, y2[b]) - Math.max(iy1, y1[b])));
      const inter = fr(w * h);
      const iou = fr(inter / fr(fr(iarea + areas[b]) - inter));
      if (iou > iouThreshold) suppressed[b] = 1;
    }
  }
  return keep.slice(0, kept);
}

/** Which `batchedNms` algorithm runs: "auto" follows torchvision's CPU rule (see `batchedNms`). */
export type BatchedNmsPath = "auto" | "vanilla" | "coordinate-trick";

/** torchvision 0.14 switches to per-class NMS when `boxes.numel()` exceeds this on the CPU (20000 on CUDA). */
export const CPU_VANILLA_NUMEL = 4000;

/**
 * torchvision `batched_nms`: NMS within each class id, kept indices sorted by score descending.
 * With `path` "auto", more than 1000 boxes (numel > 4000) run per class ("vanilla"); fewer run one NMS over
 * boxes shifted by `class · (max coordinate + 1)` in float32 (the coordinate trick), whose rounding can flip a
 * decision at an IoU near the threshold, as it does in the reference. Pass a path to emulate other devices.
 * @example batchedNms(boxes, scores, Int32Array.of(0, 0, 1), 0.5) // [0, 2] when boxes 0 and 1 overlap
 */
export function batchedNms(
  boxes: Float32Array,
  scores: Float32Array,
  classIds: Int32Array,
  iouThreshold: number,
  path: BatchedNmsPath = "auto",
): Int32Array {
  const n = scores.length;
  checkBoxes(boxes, n);
  if (classIds.length !== n) throw new Error(`batchedNms: ${classIds.length} class ids for ${n} scores`);
  if (n === 0) return new Int32Array(0);
  const vanilla = path === "vanilla" || (path === "auto" && 4 * n > CPU_VANILLA_NUMEL);
  return vanilla
    ? batchedNmsVanilla(boxes, scores, classIds, iouThreshold)
    : batchedNmsCoordinateTrick(boxes, scores, classIds, iouThreshold);
}

function batchedNmsCoordinateTrick(
  boxes: Float32Array,
  scores: Float32Array,
  classIds: Int32Array,
  iouThreshold: number,
): Int32Array {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < boxes.length; i++) if (boxes[i] > max || Number.isNaN(boxes[i])) max = boxes[i];
  const step = fr(max + 1);
  const shifted = new Float32Array(boxes.length);
  for (let i = 0; i < scores.length; i++) {
    const offset = fr(classIds[i] * step);
    for (let k = 0; k < 4; k++) shifted[4 * i + k] = boxes[4 * i + k] + offset;
  }
  return nmsFloat32(shifted, scores, iouThreshold);
}

function batchedNmsVanilla(
  boxes: Float32Array,
  scores: Float32Array,
  classIds: Int32Array,
  iouThreshold: number,
): Int32Array {
  const members = new Map<number, number[]>();
  for (let i = 0; i < classIds.length; i++) {
    const list = members.get(classIds[i]);
    if (list === undefined) members.set(classIds[i], [i]);
    else list.push(i);
  }
  const keep: number[] = [];
  for (const indices of members.values()) {
    const classBoxes = new Float32Array(4 * indices.length);
    const classScores = new Float32Array(indices.length);
    for (const [k, i] of indices.entries()) {
      classBoxes.set(boxes.subarray(4 * i, 4 * i + 4), 4 * k);
      classScores[k] = scores[i];
    }
    for (const k of nmsFloat32(classBoxes, classScores, iouThreshold)) keep.push(indices[k]);
  }
  // torch.where gives the kept indices in index order before the final score sort.
  return argsortDescending(scores, Int32Array.from(keep).sort());
}

function checkBoxes(boxes: Float32Array, n: number): void {
  if (boxes.length !== 4 * n) throw new Error(`NMS: ${boxes.length / 4} boxes for ${n} scores`);
}

/**
 * The first `k` of `batchedNms(boxes, scores, classIds, iouThreshold, path)`, without running NMS on boxes that
 * cannot reach them. On the per-class path the candidates are visited once in global score order (ties by
 * index) and a box is kept unless a kept box of its class overlaps it by IoU > threshold — each class sees its
 * own boxes in its own order, so the kept set is per-class NMS's — and the walk stops at `k` kept boxes.
 * A detector head with a large vocabulary has up to (proposals × classes) candidates, most below the k-th kept
 * score. The coordinate-trick path (≤ 1000 boxes) runs as `batchedNms`.
 * @example batchedNmsTopK(boxes, scores, classIds, 0.5, 300) // = batchedNms(boxes, scores, classIds, 0.5).slice(0, 300)
 */
export function batchedNmsTopK(
  boxes: Float32Array,
  scores: Float32Array,
  classIds: Int32Array,
  iouThreshold: number,
  k: number,
  path: BatchedNmsPath = "auto",
): Int32Array {
  const n = scores.length;
  checkBoxes(boxes, n);
  if (classIds.length !== n) throw new Error(`batchedNmsTopK: ${classIds.length} class ids for ${n} scores`);
  const vanilla = path === "vanilla" || (path === "auto" && 4 * n > CPU_VANILLA_NUMEL);
  if (!vanilla) return batchedNms(boxes, scores, classIds, iouThreshold, path).slice(0, k);
  const order = argsortDescending(scores);
  const keptByClass = new Map<number, number[]>();
  const keep: number[] = [];
  for (let a = 0; a < n && keep.length < k; a++) {
    const j = order[a];
    const kept = keptByClass.get(classIds[j]);
    const oj = 4 * j;
    const jarea = fr(boxes[oj + 2] - boxes[oj]) * fr(boxes[oj + 3] - boxes[oj + 1]);
    let suppressed = false;
    for (const i of kept ?? []) {
      const oi = 4 * i;
      const iarea = fr(fr(boxes[oi + 2] - boxes[oi]) * fr(boxes[oi + 3] - boxes[oi + 1]));
      const w = Math.max(0, fr(Math.min(boxes[oi + 2], boxes[oj + 2]) - Math.max(boxes[oi], boxes[oj])));
      const h = Math.max(
        0,
        fr(Math.min(boxes[oi + 3], boxes[oj + 3]) - Math.max(boxes[oi + 1], boxes[oj + 1])),
      );
      const inter = fr(w * h);
      if (fr(inter / fr(fr(iarea + fr(jarea)) - inter)) > iouThreshold) {
        suppressed = true;
        break;
      }
    }
    if (suppressed) continue;
    keep.push(j);
    if (kept === undefined) keptByClass.set(classIds[j], [j]);
    else kept.push(j);
  }
  return Int32Array.from(keep);
}
