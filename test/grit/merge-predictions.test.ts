import assert from "node:assert/strict";
import { test } from "node:test";
import { isGritlocError } from "../../src/errors.js";
import { mergePredictions, type PredictionConflict } from "../../src/grit/merge-predictions.js";
import type { SubmissionEntry } from "../../src/grit/submission.js";

const entry = (exampleId: string, confidence = 0.5, x = 0): SubmissionEntry => ({
  exampleId,
  confidence,
  bboxes: [[x, 0, 10, 10]],
});

test("merging keeps the first occurrence order and collapses identical duplicates", () => {
  const merged = mergePredictions([[entry("a"), entry("b")], [entry("b"), entry("c")], [entry("a")]]);
  assert.deepEqual(
    merged.map((e) => e.exampleId),
    ["a", "b", "c"],
  );
});

test("conflicting duplicates are an error that names both places", () => {
  assert.throws(
    () => mergePredictions([[entry("a"), entry("b")], [entry("c"), entry("b", 0.7)], [entry("a", 0.5, 3)]]),
    (e) => {
      assert.ok(isGritlocError(e, "E_PREDICTIONS_INVALID"));
      assert.equal(
        e.message,
        "2 problems while merging predictions (conflicting duplicates):\n" +
          '  - example_id "b": list 0 entry 1 and list 1 entry 1 differ\n' +
          '  - example_id "a": list 0 entry 0 and list 2 entry 0 differ\n' +
          "Keep one prediction per example_id (e.g. drop the stale file).",
      );
      assert.deepEqual((e.details as PredictionConflict[])[0], {
        exampleId: "b",
        first: { list: 0, index: 1 },
        second: { list: 1, index: 1 },
      });
      return true;
    },
  );
});

test("a conflict inside one list is caught too", () => {
  assert.throws(
    () => mergePredictions([[entry("a"), entry("a", 0.9)]]),
    (e) =>
      isGritlocError(e, "E_PREDICTIONS_INVALID") &&
      /list 0 entry 0 and list 0 entry 1 differ/.test(e.message),
  );
});
