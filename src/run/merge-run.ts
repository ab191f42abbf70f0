/**
 * Merge: a run folder's journals + the samples file → one prediction per sample in the samples' order
 * (a sample done twice takes its earliest record by time, then worker id), a report of missing and failed
 * ids, and optionally localization.json and a GRIT submission zip.
 */
import { join } from "node:path";
import { writeFileAtomic } from "../atomic-file.js";
import { sha256File } from "../data/hash-file.js";
import { GritlocError, invalidOption } from "../errors.js";
import { loadSamples } from "../grit/samples.js";
import { type SubmissionEntry, serializePredictions } from "../grit/submission.js";
import { type GritSubset, writeSubmissionZip } from "../grit/submission-zip.js";
import { formatPredictionProblems, validatePredictions } from "../grit/validate-predictions.js";
import { type JournalProblem, JournalSet } from "./journal-reader.js";
import { checkSamples, readRunManifest } from "./run-manifest.js";
import { RunState } from "./run-state.js";

export interface MergeRunOptions {
  /** The run folder (holds run.json and journal/). */
  readonly run: string;
  /** The samples file the run was made from (checked against run.json's sha256). */
  readonly samples: string;
  /** Where to write localization.json (replaced atomically). @default not written */
  readonly out?: string;
  /** Also write a leaderboard submission zip. */
  readonly zip?: {
    readonly out: string;
    readonly subset: GritSubset;
    /** @default the model's count recorded in run.json */
    readonly paramsInMillions?: number;
  };
  /**
   * Merge even when samples lack a prediction: they get an empty prediction (confidence 0, no boxes), which
   * scores 0, and are listed in the result. @default false (fail with E_RUN_INCOMPLETE)
   */
  readonly allowPartial?: boolean;
}

export interface MergeFailure {
  readonly exampleId: string;
  readonly code: string;
  readonly message: string;
}

export interface MergeResult {
  readonly total: number;
  /** Samples with a prediction from the journals. */
  readonly predicted: number;
  /** Samples nobody has run (in samples order). */
  readonly missing: readonly string[];
  /** Samples whose only results are failures (latest failure each, in samples order). */
  readonly failed: readonly MergeFailure[];
  /** Samples that more than one worker predicted (one record was taken). */
  readonly duplicates: number;
  /** Journal files read. */
  readonly journals: number;
  /** Torn or corrupt journal lines that were ignored. */
  readonly ignoredLines: readonly JournalProblem[];
  /** One entry per sample, in the samples' order (placeholders for missing/failed with allowPartial). */
  readonly entries: readonly SubmissionEntry[];
  readonly model: string;
  readonly paramsInMillions: number;
  readonly out?: string;
  readonly zip?: string;
}

function preview(ids: readonly string[], limit = 5): string {
  const shown = ids.slice(0, limit).join(", ");
  return ids.length > limit ? `${shown}, … (${ids.length - limit} more)` : shown;
}

function countCodes(failed: readonly MergeFailure[]): string {
  const counts = new Map<string, number>();
  for (const f of failed) counts.set(f.code, (counts.get(f.code) ?? 0) + 1);
  return [...counts].map(([code, n]) => `${code} ×${n}`).join(", ");
}

/**
 * Merges a run's journals into one prediction per sample.
 *
 * @throws GritlocError E_NOT_FOUND (no run.json), E_JOURNAL_MISMATCH (samples file changed, journal of another
 *   model), E_RUN_INCOMPLETE (samples without a prediction and no `allowPartial`; `details` holds
 *   `{ missing, failed }`), E_SUBMISSION_INVALID (zip rejected; nothing written).
 * @example
 * const merged = await mergeRun({ run: "runs/l14", samples: "samples/ablation/localization.json",
 *   out: "localization.json", zip: { out: "ablation.zip", subset: "ablation" } });
 * merged.duplicates; // samples both ends did
 */
export async function mergeRun(options: MergeRunOptions): Promise<MergeResult> {
  const { run, allowPartial = false } = options;
  if (typeof run !== "string" || run === "") throw invalidOption("run", "a run folder path", run);
  if (typeof options.samples !== "string" || options.samples === "") {
    throw invalidOption("samples", "a samples file path", options.samples);
  }
  const manifest = await readRunManifest(run);
  const samples = await loadSamples(options.samples);
  checkSamples(run, manifest, {
    path: options.samples,
    sha256: await sha256File(options.samples),
    count: samples.length,
  });

  const state = new RunState();
  const reader = new JournalSet(join(run, "journal"), state, {
    optionsHash: manifest.optionsHash,
    model: manifest.model,
  });
  await reader.refresh();

  const entries: SubmissionEntry[] = [];
  const missing: string[] = [];
  const failed: MergeFailure[] = [];
  let duplicates = 0;
  for (const { exampleId } of samples) {
    const sample = state.samples.get(exampleId);
    const chosen = sample?.chosen;
    if (chosen !== undefined) {
      const { prediction } = chosen.record;
      entries.push({ exampleId, confidence: prediction.confidence, bboxes: prediction.boxes });
      if (sample!.doneBy.size > 1) duplicates++;
      continue;
    }
    const error = sample?.lastError?.record.error;
    if (error !== undefined) failed.push({ exampleId, ...error });
    else missing.push(exampleId);
    entries.push({ exampleId, confidence: 0, bboxes: [] });
  }

  if ((missing.length > 0 || failed.length > 0) && !allowPartial) {
    const parts = [
      missing.length > 0 ? `${missing.length} never run (${preview(missing)})` : "",
      failed.length > 0
        ? `${failed.length} failed [${countCodes(failed)}] (${preview(failed.map((f) => f.exampleId))})`
        : "",
    ].filter((p) => p !== "");
    throw new GritlocError(
      "E_RUN_INCOMPLETE",
      `Run ${run} is incomplete: ${missing.length + failed.length} of ${samples.length} samples have no ` +
        `prediction: ${parts.join("; ")}. Finish it with \`gritloc infer --run ${run} …\` (add ` +
        "--retry-errors to retry failures), or merge with --allow-partial to give them empty predictions.",
      { details: { missing, failed } },
    );
  }

  const problems = validatePredictions(samples, entries);
  if (problems.length > 0) {
    throw new GritlocError(
      "E_PREDICTIONS_INVALID",
      `${formatPredictionProblems(problems, `in the journals of ${run}`)}\nNothing was written.`,
      { details: problems },
    );
  }
  if (options.out !== undefined) await writeFileAtomic(options.out, serializePredictions(entries));
  let zip: string | undefined;
  if (options.zip !== undefined) {
    const result = await writeSubmissionZip({
      entries,
      samples,
      // params.json wants an integer; run.json keeps the model's exact count.
      paramsInMillions: options.zip.paramsInMillions ?? Math.round(manifest.paramsInMillions),
      subset: options.zip.subset,
      out: options.zip.out,
    });
    zip = result.path;
  }
  return {
    total: samples.length,
    predicted: samples.length - missing.length - failed.length,
    missing,
    failed,
    duplicates,
    journals: reader.files().length,
    ignoredLines: reader.problems(),
    entries,
    model: manifest.model,
    paramsInMillions: manifest.paramsInMillions,
    ...(options.out !== undefined ? { out: options.out } : {}),
    ...(zip !== undefined ? { zip } : {}),
  };
}
