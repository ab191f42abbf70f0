/**
 * Merging partial prediction files: several `SubmissionEntry[]` → one list (first occurrence order).
 * Identical duplicates collapse; conflicting ones are an error.
 */
import { GritlocError } from "../errors.js";
import { formatProblemList } from "./problem-list.js";
import type { SubmissionEntry } from "./submission.js";

/** Where an entry came from: list index and position in it. */
export interface EntrySource {
  readonly list: number;
  readonly index: number;
}

/** Two entries with the same id and different confidence or boxes. */
export interface PredictionConflict {
  readonly exampleId: string;
  readonly first: EntrySource;
  readonly second: EntrySource;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v: unknown, i) => sameValue(v, b[i]));
  }
  return Object.is(a, b);
}

function sameEntry(a: SubmissionEntry, b: SubmissionEntry): boolean {
  return Object.is(a.confidence, b.confidence) && sameValue(a.bboxes, b.bboxes);
}

/**
 * Merges prediction lists, e.g. the halves written by two sessions. An id seen again with the same
 * confidence and boxes is kept once; with different values it is a conflict.
 *
 * @throws GritlocError E_PREDICTIONS_INVALID listing every conflict (`details: PredictionConflict[]`).
 * @example
 * const merged = mergePredictions([head.entries, tail.entries]);
 */
export function mergePredictions(lists: readonly (readonly SubmissionEntry[])[]): SubmissionEntry[] {
  const merged: SubmissionEntry[] = [];
  const seen = new Map<string, { entry: SubmissionEntry; source: EntrySource }>();
  const conflicts: PredictionConflict[] = [];
  for (let list = 0; list < lists.length; list++) {
    for (let index = 0; index < lists[list].length; index++) {
      const entry = lists[list][index];
      const previous = seen.get(entry.exampleId);
      if (previous === undefined) {
        seen.set(entry.exampleId, { entry, source: { list, index } });
        merged.push(entry);
      } else if (!sameEntry(previous.entry, entry)) {
        conflicts.push({ exampleId: entry.exampleId, first: previous.source, second: { list, index } });
      }
    }
  }
  if (conflicts.length > 0) {
    const lines = conflicts.map(
      (c) =>
        `example_id ${JSON.stringify(c.exampleId)}: list ${c.first.list} entry ${c.first.index} and ` +
        `list ${c.second.list} entry ${c.second.index} differ`,
    );
    throw new GritlocError(
      "E_PREDICTIONS_INVALID",
      `${formatProblemList("while merging predictions (conflicting duplicates)", lines)}\n` +
        "Keep one prediction per example_id (e.g. drop the stale file).",
      { details: conflicts },
    );
  }
  return merged;
}
