/**
 * Per-sample scoring records (the rows `evaluate.py` builds before aggregating): samples with ground truth +
 * predictions + lemma2groups → `SampleRecord[]` with the loc_metric score, the partition labels, the concept
 * groups and the six per-sample measures.
 */
import type { Lemma2Groups } from "./concept-groups.js";
import { locMetric } from "./loc-metric.js";
import { undistortedTwinIds } from "./sample-partitions.js";
import type { GritSample } from "./samples.js";
import type { SubmissionEntry } from "./submission.js";

/** The per-sample measures of the official metrics. */
export const GRIT_MEASURES = ["acc", "inf", "misinf", "conf", "sa", "rmse"] as const;
export type GritMeasure = (typeof GRIT_MEASURES)[number];

/** Group name used for a lemma missing from lemma2groups (`evaluate.py`); never reported. */
export const UNGROUPED = "_ungrouped_";

export interface SampleRecord {
  readonly exampleId: string;
  /** `loc_metric(pred boxes, gt boxes)`, in [0, 1]. */
  readonly locMetric: number;
  readonly confidence: number;
  readonly src: "sameSrc" | "newSrc";
  readonly cpt: "sameCpt" | "newCpt";
  readonly dist: "dist" | "undist";
  /** True when some distorted sample's id minus its last 5 characters equals this id. */
  readonly undistp: boolean;
  /** Union over the concepts of lemma2groups[lemma] (or "_ungrouped_"), unfiltered; sorted. */
  readonly groups: readonly string[];
  /** acc = 100m, inf = 100cm, misinf = 100c(1−m), conf = 100c, sa = 100(cm + (1−c)(1−m)), rmse = (100(c−m))². */
  readonly values: Readonly<Record<GritMeasure, number>>;
}

/** The measures for score m and confidence c, in `evaluate.py`'s operation order (bit-identical). */
export function sampleMeasures(m: number, c: number): Record<GritMeasure, number> {
  return {
    acc: 100 * m,
    inf: 100 * c * m,
    misinf: 100 * c * (1 - m),
    conf: 100 * c,
    sa: 100 * (c * m + (1 - c) * (1 - m)),
    rmse: (100 * (c - m)) ** 2,
  };
}

/**
 * Builds one record per sample, in the samples' order. Every sample must have `groundTruth` and `meta`, and
 * `predictions` must hold its id (the caller validates; see `evaluateLocalization`).
 */
export function computeSampleRecords(
  samples: readonly GritSample[],
  predictions: ReadonlyMap<string, SubmissionEntry>,
  lemma2groups: Lemma2Groups,
): SampleRecord[] {
  const undistpIds = undistortedTwinIds(samples);
  return samples.map((sample) => {
    const meta = sample.meta!;
    const prediction = predictions.get(sample.exampleId)!;
    const m = locMetric(prediction.bboxes, sample.groundTruth!.bboxes);
    const groups = new Set<string>();
    for (const concept of meta.concepts) {
      for (const group of lemma2groups.get(concept.lemma) ?? [UNGROUPED]) groups.add(group);
    }
    return {
      exampleId: sample.exampleId,
      locMetric: m,
      confidence: prediction.confidence,
      src: meta.isNewSource ? "newSrc" : "sameSrc",
      cpt: meta.hasNewConcept ? "newCpt" : "sameCpt",
      dist: meta.isDistorted ? "dist" : "undist",
      undistp: undistpIds.has(sample.exampleId),
      groups: [...groups].sort(),
      values: sampleMeasures(m, prediction.confidence),
    };
  });
}
