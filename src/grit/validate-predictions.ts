/**
 * Prediction checks: samples + `SubmissionEntry[]` → the complete list of problems that would make the GRIT
 * leaderboard reject (or mis-score) a submission. Pure; callers decide what to do with the list.
 */
import { describeValue } from "./json-file.js";
import { formatProblemList } from "./problem-list.js";
import type { SubmissionEntry } from "./submission.js";

/**
 * What is wrong. Callers may filter: scoring ignores "unknown" ids and scores "inverted_box" (x2 < x1 or
 * y2 < y1) as an empty-area box, both as `evaluate.py` does; a submission zip allows neither.
 */
export type PredictionProblemKind =
  | "missing"
  | "duplicate"
  | "unknown"
  | "example_id"
  | "confidence"
  | "bboxes"
  | "inverted_box";

export interface PredictionProblem {
  readonly kind: PredictionProblemKind;
  /** The entry's id, or the missing sample's id; null when the id itself is unusable. */
  readonly exampleId: string | null;
  /** Position in the entries list; null for a missing sample. */
  readonly index: number | null;
  /** One readable line, e.g. `entry 12 (example_id "x"): confidence 1.5 is outside [0, 1]`. */
  readonly message: string;
}

const NON_FINITE_HINT =
  "(Python's json writes NaN/Infinity for non-finite floats; JSON and the leaderboard do not accept them)";

function describeNumber(value: number): string {
  return Number.isNaN(value) ? "NaN" : String(value);
}

function checkConfidence(value: unknown): string | null {
  if (typeof value !== "number") return `confidence must be a number in [0, 1], got ${describeValue(value)}`;
  if (!Number.isFinite(value)) return `confidence is ${describeNumber(value)} ${NON_FINITE_HINT}`;
  if (value < 0 || value > 1) return `confidence ${value} is outside [0, 1]`;
  return null;
}

function checkBoxes(value: unknown): [PredictionProblemKind, string][] {
  if (!Array.isArray(value)) {
    return [["bboxes", `bboxes must be a list of [x1, y1, x2, y2], got ${describeValue(value)}`]];
  }
  const problems: [PredictionProblemKind, string][] = [];
  for (let b = 0; b < value.length; b++) {
    const box: unknown = value[b];
    if (!Array.isArray(box) || box.length !== 4) {
      problems.push([
        "bboxes",
        `bboxes[${b}] must be [x1, y1, x2, y2] (4 numbers), got ${describeValue(box)}`,
      ]);
      continue;
    }
    const bad = box.findIndex((v) => typeof v !== "number" || !Number.isFinite(v));
    if (bad >= 0) {
      const v: unknown = box[bad];
      const what =
        typeof v === "number"
          ? `${describeNumber(v)} ${NON_FINITE_HINT}`
          : `not a number: ${describeValue(v)}`;
      problems.push(["bboxes", `bboxes[${b}][${bad}] is ${what}`]);
      continue;
    }
    const [x1, y1, x2, y2] = box as number[];
    // One problem per box, however many of its sides are swapped.
    const swapped = [x2 < x1 ? "x2 < x1" : "", y2 < y1 ? "y2 < y1" : ""].filter((side) => side !== "");
    if (swapped.length > 0)
      problems.push(["inverted_box", `bboxes[${b}] has ${swapped.join(" and ")} (${JSON.stringify(box)})`]);
  }
  return problems;
}

/**
 * Checks predictions against the samples they answer: every sample needs exactly one entry; ids must be known;
 * confidence must be a finite number in [0, 1]; each box must be 4 finite numbers with x1 <= x2 and y1 <= y2
 * (zero-width boxes are allowed: the metric scores them as IoU 0). Values are checked at run time, so entries
 * built in JS with wrong types are caught too. Returns all problems in entry order, then missing samples in
 * sample order; an empty list means valid.
 *
 * @example
 * const problems = validatePredictions(samples, entries);
 * if (problems.length > 0) console.error(formatPredictionProblems(problems));
 */
export function validatePredictions(
  samples: readonly { readonly exampleId: string }[],
  entries: readonly SubmissionEntry[],
): PredictionProblem[] {
  const known = new Set(samples.map((s) => s.exampleId));
  const firstIndex = new Map<string, number>();
  const problems: PredictionProblem[] = [];
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index];
    const id: unknown = entry.exampleId;
    const exampleId = typeof id === "string" && id !== "" ? id : null;
    const add = (kind: PredictionProblemKind, text: string) => {
      const at = `entry ${index}${exampleId === null ? "" : ` (example_id ${JSON.stringify(exampleId)})`}`;
      problems.push({ kind, exampleId, index, message: `${at}: ${text}` });
    };
    if (exampleId === null) {
      add("example_id", `example_id must be a non-empty string, got ${describeValue(id)}`);
    } else {
      const seen = firstIndex.get(exampleId);
      if (seen !== undefined) add("duplicate", `duplicate example_id, first at entry ${seen}`);
      else firstIndex.set(exampleId, index);
      if (!known.has(exampleId)) add("unknown", "example_id is not in the samples");
    }
    const confidenceProblem = checkConfidence(entry.confidence);
    if (confidenceProblem !== null) add("confidence", confidenceProblem);
    for (const [kind, text] of checkBoxes(entry.bboxes)) add(kind, text);
  }
  for (const sample of samples) {
    if (!firstIndex.has(sample.exampleId)) {
      problems.push({
        kind: "missing",
        exampleId: sample.exampleId,
        index: null,
        message: `missing prediction for example_id ${JSON.stringify(sample.exampleId)}`,
      });
    }
  }
  return problems;
}

/** Counts by kind, e.g. "3 missing, 1 confidence". */
export function summarizePredictionProblems(problems: readonly PredictionProblem[]): string {
  const counts = new Map<PredictionProblemKind, number>();
  for (const p of problems) counts.set(p.kind, (counts.get(p.kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${n} ${kind}`).join(", ");
}

/**
 * A readable block: a count by kind, then the first `limit` problems.
 *
 * @example
 * formatPredictionProblems(problems, "in localization.json");
 * // "2 problems in localization.json (1 missing, 1 confidence):\n  - entry 3 …"
 */
export function formatPredictionProblems(
  problems: readonly PredictionProblem[],
  heading = "in the predictions",
  limit?: number,
): string {
  return formatProblemList(
    `${heading} (${summarizePredictionProblems(problems)})`,
    problems.map((p) => p.message),
    limit,
  );
}
