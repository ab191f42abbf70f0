/**
 * Scoring from files (what `gritloc score` runs): samples path + predictions path (localization.json or
 * submission zip) + optional lemma2groups path → the official metrics and their structured view.
 */
import { loadLemma2Groups } from "./concept-groups.js";
import { loadPredictions } from "./load-predictions.js";
import { evaluateLocalization, type GritMetrics } from "./metric.js";
import { loadSamples } from "./samples.js";
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
  /** See `EvaluateLocalizationOptions.allowMissingPartitions`. @default false */
  readonly allowMissingPartitions?: boolean;
}

export interface ScoredPredictionFiles {
  readonly metrics: GritMetrics;
  readonly scores: GritScores;
  readonly sampleCount: number;
  /** Where `params` came from; null when there was none. */
  readonly paramsSource: "option" | "params.json" | null;
}

/**
 * Loads samples, predictions and lemma2groups and scores them with `evaluateLocalization`.
 *
 * @throws GritlocError E_NOT_FOUND, E_FILE_ACCESS, E_SAMPLES_INVALID (incl. samples without ground truth),
 *   E_PREDICTIONS_INVALID.
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
  const metrics = evaluateLocalization({
    samples,
    predictions: predictions.entries,
    lemma2groups,
    paramsInMillions,
    round: options.round,
    allowMissingPartitions: options.allowMissingPartitions,
  });
  return {
    metrics,
    scores: toGritScores(metrics),
    sampleCount: samples.length,
    paramsSource:
      options.paramsInMillions !== undefined
        ? "option"
        : predictions.paramsInMillions !== null
          ? "params.json"
          : null,
  };
}
