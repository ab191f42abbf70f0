/**
 * Submission entries: the wire format of a GRIT `localization.json` (`[{example_id, confidence, bboxes}]`)
 * ↔ `SubmissionEntry[]`. Parsing keeps values as written so that `validatePredictions` can report every problem.
 */
import { GritlocError } from "../errors.js";
import type { BoxXyxy } from "./box.js";
import { describeValue, isJsonObject } from "./json-file.js";
import { formatProblemList } from "./problem-list.js";

/** One prediction: the boxes for one sample and one confidence in [0, 1] that applies to all of them. */
export interface SubmissionEntry {
  readonly exampleId: string;
  readonly confidence: number;
  /** `[x1, y1, x2, y2]` in source-image pixels; may be empty. */
  readonly bboxes: readonly BoxXyxy[];
}

/**
 * Converts parsed `localization.json` content into entries, field by field and unchecked (bad values stay as
 * they are for `validatePredictions` to report). Only a file that is not a list, or list items that are not
 * objects, fail here.
 *
 * @throws GritlocError E_PREDICTIONS_INVALID naming the file (and every non-object item).
 */
export function parsePredictions(json: unknown, fileName: string): SubmissionEntry[] {
  if (!Array.isArray(json)) {
    throw new GritlocError(
      "E_PREDICTIONS_INVALID",
      `${fileName}: expected a list of {example_id, confidence, bboxes}, got ${describeValue(json)}`,
    );
  }
  const problems: string[] = [];
  const entries: SubmissionEntry[] = [];
  for (let i = 0; i < json.length; i++) {
    const item: unknown = json[i];
    if (!isJsonObject(item)) {
      problems.push(
        `entry ${i}: expected an object {example_id, confidence, bboxes}, got ${describeValue(item)}`,
      );
      continue;
    }
    entries.push({
      exampleId: item.example_id as string,
      confidence: item.confidence as number,
      bboxes: item.bboxes as BoxXyxy[],
    });
  }
  if (problems.length > 0) {
    throw new GritlocError("E_PREDICTIONS_INVALID", formatProblemList(`in ${fileName}`, problems), {
      details: problems,
    });
  }
  return entries;
}

/** The wire JSON of entries (`[{"example_id", "confidence", "bboxes"}]`, compact). */
export function serializePredictions(entries: readonly SubmissionEntry[]): string {
  return JSON.stringify(
    entries.map((e) => ({ example_id: e.exampleId, confidence: e.confidence, bboxes: e.bboxes })),
  );
}
