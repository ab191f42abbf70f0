/**
 * Validation from files (what `gritloc validate` runs): samples path + predictions path → every problem,
 * the entry-level ones of `validatePredictions` plus those of a submission zip's layout.
 */
import { type BoxOutsideImage, findBoxesOutsideImage } from "./boxes-outside-image.js";
import { loadPredictions } from "./load-predictions.js";
import { loadSamples } from "./samples.js";
import { type PredictionProblem, validatePredictions } from "./validate-predictions.js";

export interface ValidatePredictionFilesOptions {
  readonly samplesPath: string;
  /** A localization.json or a submission zip. */
  readonly predictionsPath: string;
}

export interface PredictionFilesReport {
  readonly sampleCount: number;
  readonly entryCount: number;
  /** From `validatePredictions` (entry order, then missing samples). */
  readonly problems: readonly PredictionProblem[];
  /** Zip-level problems (missing params.json, non-integer parameter count, unexpected subset folder). */
  readonly fileProblems: readonly string[];
  /**
   * Boxes partly outside their image (negative coordinates, or beyond the image size where the samples record
   * it): accepted by GRIT's scorer, so they do not make the report fail (see `formatBoxesOutsideImage`).
   */
  readonly boxesOutsideImage: readonly BoxOutsideImage[];
  readonly paramsInMillions: number | null;
  readonly subset: string | null;
  /** True when nothing is wrong. */
  readonly ok: boolean;
}

/**
 * Checks a predictions file against a samples file without throwing on bad entries.
 *
 * @throws GritlocError E_NOT_FOUND, E_SAMPLES_INVALID, or E_PREDICTIONS_INVALID when the file cannot be read at all.
 * @example
 * const report = await validatePredictionFiles({ samplesPath, predictionsPath: "ablation.zip" });
 * if (!report.ok) console.error(formatPredictionProblems(report.problems));
 */
export async function validatePredictionFiles(
  options: ValidatePredictionFilesOptions,
): Promise<PredictionFilesReport> {
  const samples = await loadSamples(options.samplesPath);
  const loaded = await loadPredictions(options.predictionsPath);
  const problems = validatePredictions(samples, loaded.entries);
  const fileProblems: string[] = [];
  if (loaded.format === "zip") {
    // A zip: evaluate.py reads <subset>/params.json unconditionally, and the leaderboard wants an integer.
    if (loaded.subset !== "ablation" && loaded.subset !== "test") {
      fileProblems.push(`the zip's top folder is "${loaded.subset}", expected "ablation" or "test"`);
    }
    if (loaded.paramsInMillions === null) fileProblems.push(`the zip has no ${loaded.subset}/params.json`);
    else if (!Number.isInteger(loaded.paramsInMillions)) {
      fileProblems.push(`params_in_millions ${loaded.paramsInMillions} is not an integer`);
    }
  }
  return {
    sampleCount: samples.length,
    entryCount: loaded.entries.length,
    problems,
    fileProblems,
    boxesOutsideImage: findBoxesOutsideImage(samples, loaded.entries),
    paramsInMillions: loaded.paramsInMillions,
    subset: loaded.subset,
    ok: problems.length === 0 && fileProblems.length === 0,
  };
}
