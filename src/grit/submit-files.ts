/**
 * Building a submission from files (what `gritloc submit` runs): samples path + one or more prediction files
 * (merged) → a leaderboard zip written by `writeSubmissionZip`.
 */
import { loadPredictions } from "./load-predictions.js";
import { mergePredictions } from "./merge-predictions.js";
import { loadSamples } from "./samples.js";
import { type GritSubset, type SubmissionZipResult, writeSubmissionZip } from "./submission-zip.js";

export interface WriteSubmissionFromFilesOptions {
  readonly samplesPath: string;
  /** localization.json files or zips, e.g. the halves of two sessions; merged (conflicts are an error). */
  readonly predictionsPaths: readonly string[];
  readonly paramsInMillions: number;
  readonly subset: GritSubset;
  readonly out: string;
}

/**
 * Loads, merges and validates the predictions, then writes the zip (nothing is written when invalid).
 *
 * @throws GritlocError E_NOT_FOUND, E_SAMPLES_INVALID, E_PREDICTIONS_INVALID (conflicting duplicates),
 *   E_SUBMISSION_INVALID (with the problem list), E_INVALID_OPTION.
 * @example
 * await writeSubmissionFromFiles({ samplesPath, predictionsPaths: ["head.json", "tail.json"],
 *   paramsInMillions: 428, subset: "ablation", out: "ablation.zip" });
 */
export async function writeSubmissionFromFiles(
  options: WriteSubmissionFromFilesOptions,
): Promise<SubmissionZipResult> {
  const samples = await loadSamples(options.samplesPath);
  const lists = [];
  for (const path of options.predictionsPaths) lists.push((await loadPredictions(path)).entries);
  return writeSubmissionZip({
    entries: mergePredictions(lists),
    samples,
    paramsInMillions: options.paramsInMillions,
    subset: options.subset,
    out: options.out,
  });
}
