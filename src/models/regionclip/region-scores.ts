/**
 * RegionCLIP's zero-shot box predictor and detection selection in TypeScript (README steps 15–20), float32
 * arithmetic as torch computes it: region features [R, D] + class embeddings [K, D] + proposals [R, 4] with
 * their raw objectness logits → detections in resized and in original pixels.
 *
 * - logits = cat(normalize(x) · normalize(E)ᵀ, 0) / float32(0.01), the zero background column last;
 * - probs = softmax over K + 1; fused score = sqrt(p · objectness logit) (`MULTIPLY_RPN_SCORE`; a negative
 *   logit makes the whole row NaN and the row is dropped);
 * - `fast_rcnn_inference_single_image`: clip, (box, class) pairs with score > 0.02, per-class NMS 0.5
 *   (torchvision's CPU rule), the first 300 over all classes; `detector_postprocess`: scale, clip, non-empty.
 */

import type { Size } from "../../vision/image.js";
import { batchedNmsTopK } from "../../vision/nms.js";
import { REGIONCLIP_DEFAULTS, type ResolvedRegionClipOptions } from "./options.js";

const fr = Math.fround;

/** The detector's test settings (`CLIP_fast_rcnn_R_50_C4_zsinf.yaml`; see `options.ts`). */
export type DetectionSettings = Pick<
  ResolvedRegionClipOptions,
  "scoreThreshold" | "nmsIouThreshold" | "detectionsPerImage"
>;

export const ZSINF_DETECTION_SETTINGS: DetectionSettings = Object.freeze({
  scoreThreshold: REGIONCLIP_DEFAULTS.scoreThreshold,
  nmsIouThreshold: REGIONCLIP_DEFAULTS.nmsIouThreshold,
  detectionsPerImage: REGIONCLIP_DEFAULTS.detectionsPerImage,
});

/** `CLSS_TEMP`: logits are cosines divided (not multiplied by 100) by float32(0.01). */
export const CLASSIFIER_TEMPERATURE = 0.01;

/** `F.normalize(x, dim=-1)` of each row of [N, dim]: x / max(‖x‖₂, 1e-12), in float32. */
export function unitRows(data: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < data.length / dim; r++) {
    const row = data.subarray(r * dim, (r + 1) * dim);
    let sq = 0;
    for (let i = 0; i < dim; i++) sq += row[i] * row[i];
    const norm = Math.max(fr(Math.sqrt(sq)), 1e-12);
    for (let i = 0; i < dim; i++) out[r * dim + i] = row[i] / norm;
  }
  return out;
}

/**
 * Cosines [R, K] between unit region features [R, D] and unit class embeddings [K, D], not yet divided by the
 * temperature (a GRIT query adds one column to the vocabulary's, so the vocabulary's are computed once).
 */
export function cosines(unitFeatures: Float32Array, unitEmbeddings: Float32Array, dim: number): Float32Array {
  const rows = unitFeatures.length / dim;
  const classes = unitEmbeddings.length / dim;
  const out = new Float32Array(rows * classes);
  for (let r = 0; r < rows; r++) {
    const x = unitFeatures.subarray(r * dim, (r + 1) * dim);
    for (let k = 0; k < classes; k++) {
      const e = unitEmbeddings.subarray(k * dim, (k + 1) * dim);
      let dot = 0;
      for (let i = 0; i < dim; i++) dot += x[i] * e[i];
      out[r * classes + k] = dot;
    }
  }
  return out;
}

/**
 * Logits [R, C + 1] from cosine blocks that are concatenated column-wise (each [R, Ci], C = Σ Ci), with the
 * zero background column last, divided by float32(0.01).
 */
export function classLogits(
  blocks: readonly { readonly cosines: Float32Array; readonly columns: number }[],
  rows: number,
): Float32Array {
  const columns = blocks.reduce((n, b) => n + b.columns, 0) + 1;
  const temperature = fr(CLASSIFIER_TEMPERATURE);
  const out = new Float32Array(rows * columns);
  for (let r = 0; r < rows; r++) {
    let c = r * columns;
    for (const block of blocks) {
      for (let k = 0; k < block.columns; k++) out[c++] = block.cosines[r * block.columns + k] / temperature;
    }
    out[c] = 0;
  }
  return out;
}

/** Row-wise softmax of [rows, columns] (float32 result, computed in double). */
export function softmaxRows(logits: Float32Array, columns: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let start = 0; start < logits.length; start += columns) {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < columns; c++) max = Math.max(max, logits[start + c]);
    let sum = 0;
    for (let c = 0; c < columns; c++) sum += Math.exp(logits[start + c] - max);
    for (let c = 0; c < columns; c++) out[start + c] = Math.exp(logits[start + c] - max) / sum;
  }
  return out;
}

/** `(p · objectness_logit) ** 0.5` per element of probs [R, C + 1], in float32 (NaN where the logit is < 0). */
export function fuseScores(probs: Float32Array, objectnessLogits: Float32Array): Float32Array {
  const rows = objectnessLogits.length;
  const columns = probs.length / rows;
  const out = new Float32Array(probs.length);
  for (let r = 0; r < rows; r++) {
    const logit = objectnessLogits[r];
    for (let c = 0; c < columns; c++) out[r * columns + c] = Math.sqrt(fr(probs[r * columns + c] * logit));
  }
  return out;
}

/** The detections of one image; classes are 0..C−1 (never the background). */
export interface RegionDetections {
  readonly count: number;
  /** [N, 4] x1, y1, x2, y2. */
  readonly boxes: Float32Array;
  /** [N] fused scores, descending. */
  readonly scores: Float32Array;
  readonly classes: Int32Array;
  /** [N] row of each detection's proposal. */
  readonly proposalIndex: Int32Array;
}

function gather(source: RegionDetections, keep: readonly number[], boxes?: Float32Array): RegionDetections {
  const out = {
    count: keep.length,
    boxes: new Float32Array(keep.length * 4),
    scores: new Float32Array(keep.length),
    classes: new Int32Array(keep.length),
    proposalIndex: new Int32Array(keep.length),
  };
  for (const [n, i] of keep.entries()) {
    out.boxes.set((boxes ?? source.boxes).subarray(i * 4, i * 4 + 4), n * 4);
    out.scores[n] = source.scores[i];
    out.classes[n] = source.classes[i];
    out.proposalIndex[n] = source.proposalIndex[i];
  }
  return out;
}

/**
 * `fast_rcnn_inference_single_image` on fused scores [R, C + 1] (background last) and proposals [R, 4] in
 * resized pixels: drop rows with a non-finite score or box, clip to `resizedSize`, keep pairs above the score
 * threshold in (proposal, class) order, per-class NMS, the first `detectionsPerImage` by score over all classes.
 */
export function selectDetections(
  fused: Float32Array,
  proposals: Float32Array,
  resizedSize: Size,
  settings: DetectionSettings = ZSINF_DETECTION_SETTINGS,
): RegionDetections {
  const rows = proposals.length / 4;
  const columns = fused.length / rows;
  const limit = settings.scoreThreshold;
  const candidates = {
    boxes: [] as number[],
    scores: [] as number[],
    classes: [] as number[],
    rows: [] as number[],
  };
  const clamp = (v: number, hi: number) => Math.min(Math.max(v, 0), hi);
  for (let r = 0; r < rows; r++) {
    let finite = true;
    for (let c = 0; c < columns && finite; c++) finite = Number.isFinite(fused[r * columns + c]);
    for (let c = 0; c < 4 && finite; c++) finite = Number.isFinite(proposals[r * 4 + c]);
    if (!finite) continue;
    const box = [
      clamp(proposals[r * 4], resizedSize.width),
      clamp(proposals[r * 4 + 1], resizedSize.height),
      clamp(proposals[r * 4 + 2], resizedSize.width),
      clamp(proposals[r * 4 + 3], resizedSize.height),
    ];
    for (let c = 0; c < columns - 1; c++) {
      const score = fused[r * columns + c];
      // torch compares the float32 score with the threshold as a double scalar.
      if (!(score > limit)) continue;
      candidates.boxes.push(...box);
      candidates.scores.push(score);
      candidates.classes.push(c);
      candidates.rows.push(r);
    }
  }
  const all: RegionDetections = {
    count: candidates.scores.length,
    boxes: Float32Array.from(candidates.boxes),
    scores: Float32Array.from(candidates.scores),
    classes: Int32Array.from(candidates.classes),
    proposalIndex: Int32Array.from(candidates.rows),
  };
  const keep = batchedNmsTopK(
    all.boxes,
    all.scores,
    all.classes,
    settings.nmsIouThreshold,
    settings.detectionsPerImage,
  );
  return gather(all, [...keep]);
}

/**
 * `detector_postprocess`: boxes × (W0 / w, H0 / h) (the scale rounded to float32, products in float32),
 * clipped to the original size; detections whose box has no width or height are dropped.
 */
export function rescaleDetections(
  detections: RegionDetections,
  resizedSize: Size,
  originalSize: Size,
): RegionDetections {
  const sx = fr(originalSize.width / resizedSize.width);
  const sy = fr(originalSize.height / resizedSize.height);
  const boxes = new Float32Array(detections.boxes.length);
  const keep: number[] = [];
  for (let n = 0; n < detections.count; n++) {
    const b = detections.boxes;
    const x1 = Math.min(Math.max(fr(b[n * 4] * sx), 0), originalSize.width);
    const y1 = Math.min(Math.max(fr(b[n * 4 + 1] * sy), 0), originalSize.height);
    const x2 = Math.min(Math.max(fr(b[n * 4 + 2] * sx), 0), originalSize.width);
    const y2 = Math.min(Math.max(fr(b[n * 4 + 3] * sy), 0), originalSize.height);
    boxes.set([x1, y1, x2, y2], n * 4);
    if (fr(x2 - x1) > 0 && fr(y2 - y1) > 0) keep.push(n);
  }
  return gather(detections, keep, boxes);
}
