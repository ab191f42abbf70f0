/**
 * RPN proposals from the RPN head's raw maps, in float32 exactly as detectron2 computes them at test time:
 * per level sort the objectness logits and keep the top k, decode those anchors with `Box2BoxTransform`, then
 * `find_top_rpn_proposals` (drop non-finite, clip to the image, drop empty boxes, NMS per level, keep the top
 * n) → boxes [R, 4] x1y1x2y2 in resized-image pixels + raw objectness logits [R].
 * Ports `detectron2/modeling/box_regression.py` and `proposal_generator/{rpn,proposal_utils}.py`.
 */
import type { Size } from "../../vision/image.js";
import { argsortDescending, type BatchedNmsPath, batchedNms } from "../../vision/nms.js";
import { type AnchorLevel, anchorCount, writeAnchor } from "./anchors.js";

/** The test-time settings of the offline RPN in RegionCLIP's zero-shot configs. */
export interface RpnProposalOptions {
  /** Per-level candidates kept before NMS (`RPN.PRE_NMS_TOPK_TEST`). @default 1000 */
  readonly preNmsTopK?: number;
  /** Proposals kept after NMS (`OFFLINE_RPN_POST_NMS_TOPK_TEST`). @default 1000 */
  readonly postNmsTopK?: number;
  /** IoU above which a proposal is suppressed by a better one of its level (`OFFLINE_RPN_NMS_THRESH`). @default 0.9 */
  readonly nmsThreshold?: number;
  /** Boxes need width and height above this (`RPN.MIN_SIZE`). @default 0 */
  readonly minBoxSize?: number;
  /** Which torchvision `batched_nms` path to emulate ("auto": torchvision's CPU rule). @default "auto" */
  readonly nmsPath?: BatchedNmsPath;
}

/** `Box2BoxTransform`'s clamp on dw and dh, `log(1000 / 16)` as a float32 tensor bound. */
export const SCALE_CLAMP = Math.fround(Math.log(1000 / 16));

/** One level's raw RPN head output, as the convs return it. */
export interface RpnLevelMaps {
  /** [A, H, W] objectness logits. */
  readonly objectness: Float32Array;
  /** [A·4, H, W] anchor deltas (dx, dy, dw, dh per anchor). */
  readonly deltas: Float32Array;
}

/** Candidates from several levels: boxes [n, 4], logits [n], level ids [n] (and anchor indices, for tracing). */
export interface ProposalCandidates {
  readonly boxes: Float32Array;
  readonly logits: Float32Array;
  readonly levels: Int32Array;
  /** Index of each candidate's anchor in its level's (y, x, anchor) order. */
  readonly anchorIndices: Int32Array;
}

/** The RPN's output: boxes [R, 4] in resized-image pixels, raw objectness logits [R], and where each came from. */
export interface RpnProposals {
  readonly boxes: Float32Array;
  readonly objectnessLogits: Float32Array;
  readonly levels: Int32Array;
  readonly anchorIndices: Int32Array;
}

const fr = Math.fround;

/**
 * Objectness of anchor `index` ((y, x, anchor) order) from the [A, H, W] map: detectron2 flattens with
 * `permute(0, 2, 3, 1)`.
 */
function flattenObjectness(level: AnchorLevel, objectness: Float32Array): Float32Array {
  const perCell = level.cellAnchors.length / 4;
  const plane = level.height * level.width;
  if (objectness.length !== perCell * plane)
    throw new Error(
      `RPN objectness has ${objectness.length} values for ${perCell}×${level.height}×${level.width}`,
    );
  const out = new Float32Array(objectness.length);
  for (let a = 0; a < perCell; a++) {
    const base = a * plane;
    for (let p = 0; p < plane; p++) out[p * perCell + a] = objectness[base + p];
  }
  return out;
}

/**
 * The first `k` indices of `values` by a stable descending sort (NaN first, as torch sorts it), without sorting
 * everything: the k-th largest value is found with a numeric sort of a copy, then only the winners are ordered.
 */
export function topKDescending(values: Float32Array, k: number): Int32Array {
  const n = values.length;
  if (k >= n) return argsortDescending(values);
  const chosen = new Int32Array(k);
  let count = 0;
  for (let i = 0; i < n && count < k; i++) if (Number.isNaN(values[i])) chosen[count++] = i;
  const remaining = k - count;
  if (remaining > 0) {
    // The NaN scan above saw every element (it stopped short of k), so `count` NaNs sort last here.
    const sorted = values.slice().sort();
    const threshold = sorted[n - count - remaining];
    for (let i = 0; i < n; i++) if (values[i] > threshold) chosen[count++] = i;
    for (let i = 0; i < n && count < k; i++) if (values[i] === threshold) chosen[count++] = i;
  }
  return argsortDescending(values, chosen);
}

/**
 * `Box2BoxTransform(weights=(1, 1, 1, 1)).apply_deltas` for one anchor, every step a float32 operation
 * (`exp` correctly rounded, where torch's is within 1 ulp).
 */
export function applyDeltas(
  anchor: Float32Array,
  anchorOffset: number,
  dx: number,
  dy: number,
  dw: number,
  dh: number,
  out: Float32Array,
  outOffset: number,
): void {
  const x1 = anchor[anchorOffset];
  const y1 = anchor[anchorOffset + 1];
  const widths = fr(anchor[anchorOffset + 2] - x1);
  const heights = fr(anchor[anchorOffset + 3] - y1);
  const ctrX = fr(x1 + fr(0.5 * widths));
  const ctrY = fr(y1 + fr(0.5 * heights));
  // Math.min keeps NaN, like torch.clamp(max=...).
  const cdw = Math.min(dw, SCALE_CLAMP);
  const cdh = Math.min(dh, SCALE_CLAMP);
  const predCtrX = fr(fr(dx * widths) + ctrX);
  const predCtrY = fr(fr(dy * heights) + ctrY);
  const halfW = fr(0.5 * fr(fr(Math.exp(cdw)) * widths));
  const halfH = fr(0.5 * fr(fr(Math.exp(cdh)) * heights));
  out[outOffset] = predCtrX - halfW;
  out[outOffset + 1] = predCtrY - halfH;
  out[outOffset + 2] = predCtrX + halfW;
  out[outOffset + 3] = predCtrY + halfH;
}

/**
 * Step 1 of `find_top_rpn_proposals` for each level: sort the logits descending, keep the first
 * min(H·W·A, `preNmsTopK`), decode their anchors; levels concatenated p2..p6 → unclipped candidates.
 */
export function selectTopCandidates(
  levels: readonly AnchorLevel[],
  maps: readonly RpnLevelMaps[],
  preNmsTopK = 1000,
): ProposalCandidates {
  const picks = levels.map((level, i) => {
    const logits = flattenObjectness(level, maps[i].objectness);
    return { logits, order: topKDescending(logits, Math.min(anchorCount(level), preNmsTopK)) };
  });
  const total = picks.reduce((n, p) => n + p.order.length, 0);
  const boxes = new Float32Array(4 * total);
  const logits = new Float32Array(total);
  const levelIds = new Int32Array(total);
  const anchorIndices = new Int32Array(total);
  const anchor = new Float32Array(4);
  let row = 0;
  for (const [l, level] of levels.entries()) {
    const { deltas } = maps[l];
    const perCell = level.cellAnchors.length / 4;
    const plane = level.height * level.width;
    if (deltas.length !== 4 * perCell * plane)
      throw new Error(
        `RPN deltas have ${deltas.length} values for ${4 * perCell}×${level.height}×${level.width}`,
      );
    for (const index of picks[l].order) {
      // deltas: view(N, A, 4, H, W).permute(0, 3, 4, 1, 2) → the 4 values of anchor a at location p.
      const a = index % perCell;
      const p = (index - a) / perCell;
      const d = 4 * a * plane + p;
      writeAnchor(level, index, anchor, 0);
      applyDeltas(
        anchor,
        0,
        deltas[d],
        deltas[d + plane],
        deltas[d + 2 * plane],
        deltas[d + 3 * plane],
        boxes,
        4 * row,
      );
      logits[row] = picks[l].logits[index];
      levelIds[row] = l;
      anchorIndices[row] = index;
      row++;
    }
  }
  return { boxes, logits, levels: levelIds, anchorIndices };
}

/**
 * Steps 3–7 of `find_top_rpn_proposals` on one image's candidates: drop rows with a non-finite box or logit,
 * clip to the unpadded image, keep boxes wider and taller than `minBoxSize`, `batched_nms` with the level as the
 * class, keep the first `postNmsTopK` (already sorted by logit).
 */
export function selectProposals(
  candidates: ProposalCandidates,
  imageSize: Size,
  options: RpnProposalOptions = {},
): RpnProposals {
  const { postNmsTopK = 1000, nmsThreshold = 0.9, minBoxSize = 0, nmsPath = "auto" } = options;
  const n = candidates.logits.length;
  const boxes = new Float32Array(4 * n);
  const kept: number[] = [];
  for (let i = 0; i < n; i++) {
    const box = candidates.boxes.subarray(4 * i, 4 * i + 4);
    if (!Number.isFinite(candidates.logits[i]) || !box.every(Number.isFinite)) continue;
    // Boxes.clip: x to [0, w], y to [0, h].
    const x1 = Math.min(Math.max(box[0], 0), imageSize.width);
    const y1 = Math.min(Math.max(box[1], 0), imageSize.height);
    const x2 = Math.min(Math.max(box[2], 0), imageSize.width);
    const y2 = Math.min(Math.max(box[3], 0), imageSize.height);
    // Boxes.nonempty: float32 widths and heights strictly above the threshold.
    if (!(fr(x2 - x1) > minBoxSize && fr(y2 - y1) > minBoxSize)) continue;
    boxes.set([x1, y1, x2, y2], 4 * kept.length);
    kept.push(i);
  }
  const m = kept.length;
  const scores = Float32Array.from(kept, (i) => candidates.logits[i]);
  const levels = Int32Array.from(kept, (i) => candidates.levels[i]);
  const order = batchedNms(boxes.subarray(0, 4 * m), scores, levels, nmsThreshold, nmsPath).subarray(
    0,
    postNmsTopK,
  );
  const r = order.length;
  const out: RpnProposals = {
    boxes: new Float32Array(4 * r),
    objectnessLogits: new Float32Array(r),
    levels: new Int32Array(r),
    anchorIndices: new Int32Array(r),
  };
  for (const [j, k] of order.entries()) {
    out.boxes.set(boxes.subarray(4 * k, 4 * k + 4), 4 * j);
    out.objectnessLogits[j] = scores[k];
    out.levels[j] = levels[k];
    out.anchorIndices[j] = candidates.anchorIndices[kept[k]];
  }
  return out;
}

/**
 * The whole proposal step for one image: RPN head maps of every level → proposals.
 * @example
 * const proposals = findTopRpnProposals(rpnAnchorLevels(sizes), maps, input.resized);
 * proposals.boxes.length / 4; // ≤ 1000
 */
export function findTopRpnProposals(
  levels: readonly AnchorLevel[],
  maps: readonly RpnLevelMaps[],
  imageSize: Size,
  options: RpnProposalOptions = {},
): RpnProposals {
  return selectProposals(selectTopCandidates(levels, maps, options.preNmsTopK ?? 1000), imageSize, options);
}
