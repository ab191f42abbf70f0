/**
 * COCO-style average precision for GRIT localization predictions: samples with ground truth + predictions →
 * AP@[.5:.95], AP50 and AP75 over all samples and per GRIT partition. A complement to the official metric,
 * which has no IoU threshold and ignores confidence when scoring boxes.
 */
import { invalidOption } from "../errors.js";
import type { BoxXyxy } from "./box.js";
import { boxArea } from "./iou.js";
import { inPartition, undistortedTwinIds } from "./sample-partitions.js";
import type { GritSample } from "./samples.js";
import type { SubmissionEntry } from "./submission.js";

/** Partitions selected as in the official metrics (sameSrc…newCpt: undistorted samples only). */
export const AP_PARTITIONS = ["sameSrc", "newSrc", "sameCpt", "newCpt", "dist", "undist"] as const;
export type ApPartition = (typeof AP_PARTITIONS)[number];

/** AP values are fractions in [0, 1] (COCO convention); null when the selection has no ground-truth box. */
export interface ApScores {
  /** Mean AP over IoU thresholds 0.50:0.05:0.95. */
  readonly ap: number | null;
  readonly ap50: number | null;
  readonly ap75: number | null;
  readonly numSamples: number;
  readonly numGtBoxes: number;
  readonly numDetections: number;
}

export interface ApReport {
  /** Every sample (distorted ones included). */
  readonly overall: ApScores;
  /** Per partition; empty when the samples carry no `meta`. */
  readonly partitions: Readonly<Partial<Record<ApPartition, ApScores>>>;
  /** Mean of the sameSrc and newSrc APs (like the official `agg`), when both exist. */
  readonly agg: { readonly ap: number; readonly ap50: number; readonly ap75: number } | null;
}

export interface ApReportOptions {
  /** Samples with `groundTruth` (and `meta` for the partitions). */
  readonly samples: readonly GritSample[];
  /** Predictions; samples without one count as having no detections. */
  readonly predictions: readonly SubmissionEntry[];
  /** Boxes kept per sample, in their given order (COCO maxDets). @default 100 */
  readonly maxDetsPerSample?: number;
}

/** COCO's thresholds, built the way `np.linspace` builds them (so 0.75 is the same double as in pycocotools). */
function linspace(start: number, stop: number, num: number): number[] {
  const step = (stop - start) / (num - 1);
  return Array.from({ length: num }, (_, i) => (i === num - 1 ? stop : i * step + start));
}
const IOU_THRESHOLDS = linspace(0.5, 0.95, 10);
const RECALL_THRESHOLDS = linspace(0, 1, 101);

/** Plain IoU without GRIT's epsilon (as pycocotools); 0 when the union is empty. */
function plainIou(a: BoxXyxy, b: BoxXyxy): number {
  const iw = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const ih = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  const inter = iw > 0 && ih > 0 ? iw * ih : 0;
  const union = boxArea(a) + boxArea(b) - inter;
  return union > 0 ? inter / union : 0;
}

interface Detection {
  readonly score: number;
  /** Per IoU threshold: matched a ground-truth box. */
  readonly matched: boolean[];
}

/** Greedy per-sample matching of pycocotools `evaluateImg`: each box in order takes the free gt of highest IoU ≥ t. */
function matchSample(boxes: readonly BoxXyxy[], gt: readonly BoxXyxy[], score: number): Detection[] {
  const ious = boxes.map((d) => gt.map((g) => plainIou(d, g)));
  const detections = boxes.map(() => ({
    score,
    matched: new Array<boolean>(IOU_THRESHOLDS.length).fill(false),
  }));
  for (let t = 0; t < IOU_THRESHOLDS.length; t++) {
    const threshold = IOU_THRESHOLDS[t];
    const taken = new Array<boolean>(gt.length).fill(false);
    for (let d = 0; d < boxes.length; d++) {
      let best = Math.min(threshold, 1 - 1e-10);
      let match = -1;
      for (let g = 0; g < gt.length; g++) {
        if (taken[g] || ious[d][g] < best) continue;
        best = ious[d][g];
        match = g;
      }
      if (match >= 0) {
        taken[match] = true;
        detections[d].matched[t] = true;
      }
    }
  }
  return detections;
}

/** 101-point interpolated AP at one threshold (pycocotools `accumulate`). */
function averagePrecision(sorted: readonly Detection[], t: number, numGt: number): number {
  const precision: number[] = [];
  const recall: number[] = [];
  let tp = 0;
  let fp = 0;
  for (const d of sorted) {
    if (d.matched[t]) tp++;
    else fp++;
    recall.push(tp / numGt);
    precision.push(tp / (tp + fp + Number.EPSILON));
  }
  for (let i = precision.length - 1; i > 0; i--) precision[i - 1] = Math.max(precision[i - 1], precision[i]);
  let sum = 0;
  let i = 0;
  for (const r of RECALL_THRESHOLDS) {
    while (i < recall.length && recall[i] < r) i++; // searchsorted, side "left"
    if (i < recall.length) sum += precision[i];
  }
  return sum / RECALL_THRESHOLDS.length;
}

function scoreSelection(
  selected: readonly GritSample[],
  byId: ReadonlyMap<string, SubmissionEntry>,
  maxDets: number,
): ApScores {
  const detections: Detection[] = [];
  let numGtBoxes = 0;
  for (const sample of selected) {
    const gt = sample.groundTruth!.bboxes;
    numGtBoxes += gt.length;
    const entry = byId.get(sample.exampleId);
    if (entry !== undefined)
      detections.push(...matchSample(entry.bboxes.slice(0, maxDets), gt, entry.confidence));
  }
  const base = { numSamples: selected.length, numGtBoxes, numDetections: detections.length };
  if (numGtBoxes === 0) return { ap: null, ap50: null, ap75: null, ...base };
  // Rank by confidence, highest first; Array.prototype.sort is stable, so ties keep sample order, then box
  // order (pycocotools: per-image lists concatenated in image order, then a stable mergesort).
  const sorted = [...detections].sort((a, b) => b.score - a.score);
  const perThreshold = IOU_THRESHOLDS.map((_, t) => averagePrecision(sorted, t, numGtBoxes));
  return {
    ap: perThreshold.reduce((a, b) => a + b, 0) / perThreshold.length,
    ap50: perThreshold[0],
    ap75: perThreshold[5],
    ...base,
  };
}

/**
 * COCO-style AP of localization predictions. Each sample acts as one image of a single pooled class
 * (the query); its ground-truth boxes are the targets. Ranking: every box of a sample carries the
 * sample's one confidence, so boxes are ranked by confidence (highest first) and ties keep sample order, then
 * box order. With a constant confidence (e.g. the `paper` mode's 0.5) AP therefore reflects the sample order
 * and mostly measures recall; calibrated confidences are what make it informative. Matching per sample follows
 * pycocotools (greedy in box order, highest IoU ≥ threshold, no crowd regions, maxDets boxes), IoU without
 * GRIT's epsilon, 101-point interpolation, AP = mean over IoU 0.50:0.05:0.95.
 *
 * @example
 * const report = apReport({ samples, predictions });
 * report.overall.ap50; // e.g. 0.41
 */
export function apReport(options: ApReportOptions): ApReport {
  const { samples, predictions, maxDetsPerSample = 100 } = options;
  if (!Number.isInteger(maxDetsPerSample) || maxDetsPerSample < 1) {
    throw invalidOption("maxDetsPerSample", "a positive integer", maxDetsPerSample);
  }
  const missingTruth = samples.find((s) => s.groundTruth === undefined);
  if (missingTruth !== undefined) {
    throw invalidOption(
      "samples",
      "samples with ground truth (the extended GRIT format)",
      missingTruth.exampleId,
    );
  }
  const byId = new Map(predictions.map((p) => [p.exampleId, p]));
  const overall = scoreSelection(samples, byId, maxDetsPerSample);
  const partitions: Partial<Record<ApPartition, ApScores>> = {};
  if (samples.length > 0 && samples.every((s) => s.meta !== undefined)) {
    const twinIds = undistortedTwinIds(samples);
    for (const partition of AP_PARTITIONS) {
      const selected = samples.filter((s) => inPartition(s, partition, twinIds));
      if (selected.length > 0) partitions[partition] = scoreSelection(selected, byId, maxDetsPerSample);
    }
  }
  const same = partitions.sameSrc;
  const fresh = partitions.newSrc;
  const agg =
    same?.ap != null && fresh?.ap != null
      ? {
          ap: (same.ap + fresh.ap) / 2,
          ap50: (same.ap50! + fresh.ap50!) / 2,
          ap75: (same.ap75! + fresh.ap75!) / 2,
        }
      : null;
  return { overall, partitions, agg };
}
