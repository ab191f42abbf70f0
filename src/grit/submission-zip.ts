/**
 * Submission zip writer: validated entries + samples → the zip the GRIT leaderboard expects: one folder
 * `<subset>/` holding `params.json` (`{"params_in_millions": int}`) and `localization.json` (one entry per
 * sample, in the samples' order). Nothing is written unless the entries pass `validatePredictions`.
 */
import { strToU8, zipSync } from "fflate";
import { writeFileAtomic } from "../atomic-file.js";
import { GritlocError, invalidOption } from "../errors.js";
import { createLogger } from "../logger.js";
import type { Size } from "../vision/image.js";
import { findBoxesOutsideImage, formatBoxesOutsideImage } from "./boxes-outside-image.js";
import { type SubmissionEntry, serializePredictions } from "./submission.js";
import { formatPredictionProblems, validatePredictions } from "./validate-predictions.js";

const log = createLogger("grit");

/** The GRIT evaluation subsets with a leaderboard. */
export type GritSubset = "ablation" | "test";

export interface WriteSubmissionZipOptions {
  /** Predictions, in any order; exactly one per sample. */
  readonly entries: readonly SubmissionEntry[];
  /**
   * The samples of the subset; fixes the order in localization.json. Where they record the image size
   * (`meta.imageSize`), boxes beyond it are warned about.
   */
  readonly samples: readonly {
    readonly exampleId: string;
    readonly meta?: { readonly imageSize: Size | null };
  }[];
  /** The model's parameter count in millions, a non-negative integer (GRIT rules: count every parameter). */
  readonly paramsInMillions: number;
  readonly subset: GritSubset;
  /** Output path, e.g. "ablation.zip"; replaced atomically. */
  readonly out: string;
}

export interface SubmissionZipResult {
  readonly path: string;
  readonly entryCount: number;
  readonly bytes: number;
}

/**
 * Writes a leaderboard submission zip (see the file header), atomically. Boxes partly outside their image
 * (negative, or beyond a recorded image size) are written as they are, with one warning through the logger.
 *
 * @throws GritlocError E_INVALID_OPTION for bad options; E_SUBMISSION_INVALID (with `details`: the complete
 *   `PredictionProblem[]`) when the entries would be rejected; in both cases nothing is written.
 * @example
 * await writeSubmissionZip({ entries, samples, paramsInMillions: 428, subset: "ablation", out: "ablation.zip" });
 */
export async function writeSubmissionZip(options: WriteSubmissionZipOptions): Promise<SubmissionZipResult> {
  const { entries, samples, paramsInMillions, subset, out } = options;
  if (subset !== "ablation" && subset !== "test")
    throw invalidOption("subset", '"ablation" or "test"', subset);
  if (!Number.isInteger(paramsInMillions) || paramsInMillions < 0) {
    throw invalidOption(
      "paramsInMillions",
      "a non-negative integer (millions of parameters, e.g. 428)",
      paramsInMillions,
    );
  }
  if (typeof out !== "string" || out === "") throw invalidOption("out", "an output file path", out);
  if (!Array.isArray(samples) || samples.length === 0) {
    throw invalidOption("samples", "a non-empty list of samples", samples);
  }
  const problems = validatePredictions(samples, entries);
  if (problems.length > 0) {
    throw new GritlocError(
      "E_SUBMISSION_INVALID",
      `${formatPredictionProblems(problems, `for ${out}`)}\nNothing was written. ` +
        "Run `gritloc validate` for the full list.",
      { details: problems },
    );
  }
  // Accepted by the leaderboard's scorer, so a warning, not a problem.
  const outside = findBoxesOutsideImage(samples, entries);
  if (outside.length > 0) log.warn(formatBoxesOutsideImage(outside));
  const byId = new Map(entries.map((e) => [e.exampleId, e]));
  const ordered = samples.map((s) => byId.get(s.exampleId)!);
  const zip = zipSync(
    {
      [`${subset}/params.json`]: strToU8(JSON.stringify({ params_in_millions: paramsInMillions })),
      [`${subset}/localization.json`]: strToU8(serializePredictions(ordered)),
    },
    { level: 6 },
  );
  await writeFileAtomic(out, zip);
  return { path: out, entryCount: ordered.length, bytes: zip.byteLength };
}
