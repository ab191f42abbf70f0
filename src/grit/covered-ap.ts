/**
 * COCO-style AP in percent for what a ground-truth file covers: samples + predictions + `GritCoverage` →
 * AP@[.5:.95], AP50, AP75 over all samples (full coverage only), per covered partition, and sameCpt/newCpt
 * within the covered source; computed by `apReport`.
 */
import { AP_PARTITIONS, type ApPartition, type ApScores, apReport } from "./ap-report.js";
import type { GritCoverage, WithinSourcePartition } from "./coverage.js";
import type { GritSample } from "./samples.js";
import type { SubmissionEntry } from "./submission.js";

/** AP values in percent (0–100); null when the selection has no ground-truth box. */
export interface ApPercent {
  readonly ap: number | null;
  readonly ap50: number | null;
  readonly ap75: number | null;
  readonly numSamples: number;
  readonly numGtBoxes: number;
  readonly numDetections: number;
}

export type CoveredApPartition = ApPartition | WithinSourcePartition;

export interface CoveredApReport {
  /** Every sample of the ground truth (distorted included); null unless the coverage is full. */
  readonly overall: ApPercent | null;
  /** Covered partitions only (deldist has no AP). */
  readonly partitions: Readonly<Partial<Record<CoveredApPartition, ApPercent>>>;
  /** Mean of the sameSrc and newSrc APs; null unless both are covered. */
  readonly agg: { readonly ap: number; readonly ap50: number; readonly ap75: number } | null;
}

const percent = (v: number | null) => (v === null ? null : 100 * v);

function toPercent(s: ApScores): ApPercent {
  return { ...s, ap: percent(s.ap), ap50: percent(s.ap50), ap75: percent(s.ap75) };
}

/**
 * Runs `apReport` on the whole file and, when `coverage.within` is set, on that source's undistorted samples
 * (its sameCpt/newCpt are then the within-source partitions), and keeps what `coverage` covers.
 *
 * @example
 * coveredApReport(samples, predictions, coverage).partitions["newCpt@newSrc"]?.ap; // zero-shot mAP, percent
 */
export function coveredApReport(
  samples: readonly GritSample[],
  predictions: readonly SubmissionEntry[],
  coverage: GritCoverage,
): CoveredApReport {
  const report = apReport({ samples, predictions });
  const partitions: Partial<Record<CoveredApPartition, ApPercent>> = {};
  for (const partition of AP_PARTITIONS) {
    const scores = report.partitions[partition];
    if (scores !== undefined && coverage.partitions[partition].covered)
      partitions[partition] = toPercent(scores);
  }
  const within = coverage.within;
  if (within !== null) {
    const inSource = samples.filter(
      (s) => !s.meta!.isDistorted && s.meta!.isNewSource === (within === "newSrc"),
    );
    const part = apReport({ samples: inSource, predictions }).partitions;
    for (const cpt of ["sameCpt", "newCpt"] as const) {
      const name: WithinSourcePartition = `${cpt}@${within}`;
      const scores = part[cpt];
      if (scores !== undefined && coverage.partitions[name]?.covered === true)
        partitions[name] = toPercent(scores);
    }
  }
  const agg = coverage.partitions.agg.covered && report.agg !== null ? report.agg : null;
  return {
    overall: coverage.full ? toPercent(report.overall) : null,
    partitions,
    agg: agg === null ? null : { ap: 100 * agg.ap, ap50: 100 * agg.ap50, ap75: 100 * agg.ap75 },
  };
}
