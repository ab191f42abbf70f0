/**
 * One GRIT query on RegionCLIP's multi-class detector (fixture README "GRIT single-query mode"): the query is
 * a vocabulary class (when its cleaned BPE ids equal a vocabulary name's) or an added class K, the zero-shot
 * detector runs unchanged over those classes (threshold 0.02, per-class NMS 0.5, the cross-class top-300
 * cap), and the query's detections become the prediction.
 *
 * - `reference` mode: every detection of the query's class, fused score descending; confidence = the first
 *   box's fused score clipped to [0, 1] (0 and no boxes when there is none).
 * - `grit` mode (default): the same detections, then the boxes GRIT's metric is likely to reward (see
 *   {@link GritSelection}).
 */
import type { BoxXyxy } from "../../grit/box.js";
import type { Size } from "../../vision/image.js";
import type { Localization } from "../localizer.js";
import type { ResolvedRegionClipOptions } from "./options.js";
import {
  classLogits,
  cosines,
  type DetectionSettings,
  fuseScores,
  type RegionDetections,
  rescaleDetections,
  selectDetections,
  softmaxRows,
  unitRows,
  ZSINF_DETECTION_SETTINGS,
} from "./region-scores.js";

/** What the recognition branch gives for one image; every query of the image shares it. */
export interface RegionEvidence {
  /** Region feature size D. */
  readonly dim: number;
  /** [R, D] region features, unit length (`unitRows` of the attention-pool output). */
  readonly unitFeatures: Float32Array;
  /** [R, 4] proposals in resized-image pixels. */
  readonly proposals: Float32Array;
  /** [R] raw RPN objectness logits. */
  readonly objectnessLogits: Float32Array;
  readonly resizedSize: Size;
  readonly originalSize: Size;
  /** [R, K] cosines to the unit vocabulary embeddings (`cosines`), computed once per image. */
  readonly vocabularyCosines: Float32Array;
  /** K. */
  readonly vocabularySize: number;
}

/** The query's class: an existing vocabulary row, or an added class with its (unnormalised) text embedding. */
export type QueryClass = { readonly vocabularyIndex: number } | { readonly embedding: Float32Array };

/**
 * RegionCLIP's detections over V (∪ {q}) for one query: `inference()` on those classes, in original pixels.
 * Returns them with the query's class index.
 */
export function queryClassDetections(
  evidence: RegionEvidence,
  query: QueryClass,
  settings: DetectionSettings = ZSINF_DETECTION_SETTINGS,
): { readonly detections: RegionDetections; readonly classIndex: number } {
  const rows = evidence.proposals.length / 4;
  const blocks = [{ cosines: evidence.vocabularyCosines, columns: evidence.vocabularySize }];
  let classIndex: number;
  if ("vocabularyIndex" in query) {
    classIndex = query.vocabularyIndex;
  } else {
    const unitQuery = unitRows(query.embedding, evidence.dim);
    blocks.push({ cosines: cosines(evidence.unitFeatures, unitQuery, evidence.dim), columns: 1 });
    classIndex = evidence.vocabularySize;
  }
  const probs = softmaxRows(
    classLogits(blocks, rows),
    blocks.length === 1 ? evidence.vocabularySize + 1 : evidence.vocabularySize + 2,
  );
  const fused = fuseScores(probs, evidence.objectnessLogits);
  const selected = selectDetections(fused, evidence.proposals, evidence.resizedSize, settings);
  return { detections: rescaleDetections(selected, evidence.resizedSize, evidence.originalSize), classIndex };
}

/** GRIT's confidence from a fused score: clipped to [0, 1] (fused scores exceed 1 when the logit > 1/p). */
export function clippedConfidence(score: number): number {
  return Math.min(1, Math.max(0, score));
}

/**
 * The fixture README's rule: the detections of `classIndex`, in output order (fused score descending), and
 * confidence = the first box's fused score clipped to [0, 1], or 0 with no box.
 */
export function referenceLocalization(detections: RegionDetections, classIndex: number): Localization {
  const boxes: BoxXyxy[] = [];
  const scores: number[] = [];
  for (let n = 0; n < detections.count; n++) {
    if (detections.classes[n] !== classIndex) continue;
    const b = detections.boxes;
    boxes.push([b[n * 4], b[n * 4 + 1], b[n * 4 + 2], b[n * 4 + 3]]);
    scores.push(detections.scores[n]);
  }
  return { boxes, scores, confidence: scores.length === 0 ? 0 : clippedConfidence(scores[0]) };
}

/** `grit` mode's pruning of the reference boxes (defaults and reasoning: `options.ts`, docs/regionclip.md). */
export type GritSelection = Pick<ResolvedRegionClipOptions, "minScore" | "maxBoxes" | "fallbackToBest">;

/**
 * The reference boxes (best first) → at most `maxBoxes` with fused score ≥ `minScore` (or the best alone, with
 * `fallbackToBest`); the confidence stays the reference's (the first box's clipped fused score, 0 with none).
 */
export function gritLocalization(reference: Localization, selection: GritSelection): Localization {
  let count = 0;
  while (
    count < reference.scores.length &&
    count < selection.maxBoxes &&
    reference.scores[count] >= selection.minScore
  ) {
    count++;
  }
  if (count === 0 && selection.fallbackToBest && reference.scores.length > 0) count = 1;
  return {
    boxes: reference.boxes.slice(0, count),
    scores: reference.scores.slice(0, count),
    confidence: count === 0 ? 0 : reference.confidence,
  };
}
