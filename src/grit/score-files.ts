/**
 * Scoring from files (what `gritloc score` runs): samples path + predictions path (localization.json or
 * submission zip) + optional lemma2groups path → the official metrics of what the ground truth covers, their
 * structured view, the coverage, the unofficial-numbers notice and optionally COCO-style AP.
 */
import { loadLemma2Groups } from "./concept-groups.js";
import { type GritCoverage, groundTruthCoverage } from "./coverage.js";
import { type CoveredApReport, coveredApReport } from "./covered-ap.js";
import { evaluateCoveredLocalization } from "./covered-metrics.js";
import { type GroundTruthKindInfo, readGroundTruthKind } from "./ground-truth-kind.js";
import { loadPredictions } from "./load-predictions.js";
import type { GritMetrics } from "./metric.js";
import { loadSamples } from "./samples.js";
import { type ScoreNotice, scoreNotice } from "./score-notice.js";
import { type GritScores, toGritScores } from "./scores.js";

export interface ScorePredictionFilesOptions {
  /** Samples in the extended {input, output, meta} format (the public files carry no ground truth). */
  readonly samplesPath: string;
  /** A localization.json (a params.json beside it is used) or a submission zip. */
  readonly predictionsPath: string;
  /** lemma → groups; without it no per-group keys are produced. */
  readonly lemma2groupsPath?: string;
  /** Overrides the params.json value. Without either, the metrics have no `params` key. */
  readonly paramsInMillions?: number;
  /** @default true */
  readonly round?: boolean;
  /**
   * See `EvaluateLocalizationOptions.allowMissingPartitions`; only matters for a ground truth with full
   * coverage (a partial one never fails on missing partitions). @default false
   */
  readonly allowMissingPartitions?: boolean;
  /** Also compute COCO-style AP (`coveredApReport`). @default false */
  readonly ap?: boolean;
}

export interface ScoredPredictionFiles {
  /** Official keys of the covered partitions (all of evaluate.py's keys when the coverage is full). */
  readonly metrics: GritMetrics;
  readonly scores: GritScores;
  /** What the ground truth covers (`groundTruthCoverage`). */
  readonly coverage: GritCoverage;
  /** The kind its gt-report.json declares, if any. */
  readonly groundTruth: GroundTruthKindInfo;
  /** Why the numbers are unofficial (rebuilt, proxy or partial ground truth); null for a full unlabelled one. */
  readonly notice: ScoreNotice | null;
  /** With `ap: true`. */
  readonly ap?: CoveredApReport;
  readonly sampleCount: number;
  /** Where `params` came from; null when there was none. */
  readonly paramsSource: "option" | "params.json" | null;
}

/**
 * Loads samples, predictions and lemma2groups, reads the ground truth's gt-report.json and scores what the
 * ground truth covers with `evaluateCoveredLocalization` (exactly `evaluateLocalization` for full coverage).
 *
 * @throws GritlocError E_NOT_FOUND, E_FILE_ACCESS, E_SAMPLES_INVALID (incl. samples without ground truth, a bad
 *   gt-report.json), E_PREDICTIONS_INVALID.
 * @example
 * const { metrics } = await scorePredictionFiles({ samplesPath: "val.json", predictionsPath: "ablation.zip" });
 */
export async function scorePredictionFiles(
  options: ScorePredictionFilesOptions,
): Promise<ScoredPredictionFiles> {
  const samples = await loadSamples(options.samplesPath);
  const predictions = await loadPredictions(options.predictionsPath);
  const lemma2groups =
    options.lemma2groupsPath === undefined ? undefined : await loadLemma2Groups(options.lemma2groupsPath);
  // The parameter count is only reported (the `params` key), so a bare localization.json scores without one.
  const paramsInMillions = options.paramsInMillions ?? predictions.paramsInMillions ?? undefined;
  const groundTruth = await readGroundTruthKind(options.samplesPath);
  const evaluateOptions = {
    samples,
    predictions: predictions.entries,
    lemma2groups,
    paramsInMillions,
    round: options.round,
    allowMissingPartitions: options.allowMissingPartitions,
  };
  // Coverage reads meta: on samples without ground truth, let the metric's own check explain first.
  const hasMeta = samples.every((s) => s.meta !== undefined);
  const coverage = groundTruthCoverage(hasMeta ? samples : []);
  const metrics = evaluateCoveredLocalization(evaluateOptions, coverage);
  return {
    metrics,
    scores: toGritScores(metrics),
    coverage,
    groundTruth,
    notice: scoreNotice(groundTruth.kind, coverage),
    ...(options.ap === true ? { ap: coveredApReport(samples, predictions.entries, coverage) } : {}),
    sampleCount: samples.length,
    paramsSource:
      options.paramsInMillions !== undefined
        ? "option"
        : predictions.paramsInMillions !== null
          ? "params.json"
          : null,
  };
}
