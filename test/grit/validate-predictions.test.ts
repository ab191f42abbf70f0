import assert from "node:assert/strict";
import { test } from "node:test";
import type { SubmissionEntry } from "../../src/grit/submission.js";
import { formatPredictionProblems, validatePredictions } from "../../src/grit/validate-predictions.js";

const samples = ["a", "b", "c", "d"].map((exampleId) => ({ exampleId }));
const ok = (exampleId: string): SubmissionEntry => ({ exampleId, confidence: 0.5, bboxes: [[0, 0, 10, 10]] });
// Entries as a careless caller (or a malformed file) might build them: typed loosely on purpose.
const loose = (e: Record<string, unknown>) => e as unknown as SubmissionEntry;

function messages(entries: SubmissionEntry[]): string[] {
  return validatePredictions(samples, entries).map((p) => p.message);
}

test("valid predictions (any order, empty box lists, zero-width boxes) have no problems", () => {
  const entries: SubmissionEntry[] = [
    ok("d"),
    ok("c"),
    { exampleId: "b", confidence: 0, bboxes: [] },
    { exampleId: "a", confidence: 1, bboxes: [[5, 5, 5, 9]] },
  ];
  assert.deepEqual(validatePredictions(samples, entries), []);
});

test("missing, duplicate and unknown ids are each reported with the id", () => {
  const problems = validatePredictions(samples, [ok("a"), ok("b"), ok("a"), ok("zzz")]);
  assert.deepEqual(
    problems.map((p) => [p.kind, p.exampleId, p.index, p.message]),
    [
      ["duplicate", "a", 2, 'entry 2 (example_id "a"): duplicate example_id, first at entry 0'],
      ["unknown", "zzz", 3, 'entry 3 (example_id "zzz"): example_id is not in the samples'],
      ["missing", "c", null, 'missing prediction for example_id "c"'],
      ["missing", "d", null, 'missing prediction for example_id "d"'],
    ],
  );
});

test("a missing or non-string example_id is reported", () => {
  assert.deepEqual(
    messages([
      loose({ confidence: 0.5, bboxes: [] }),
      loose({ exampleId: 7, confidence: 0.5, bboxes: [] }),
    ]).slice(0, 2),
    [
      "entry 0: example_id must be a non-empty string, got nothing (the key is missing)",
      "entry 1: example_id must be a non-empty string, got 7 of type number",
    ],
  );
});

test("NaN and Infinity are named, with the hint about Python's json", () => {
  const result = messages([
    { exampleId: "a", confidence: Number.NaN, bboxes: [] },
    { exampleId: "b", confidence: 0.5, bboxes: [[0, 0, Number.POSITIVE_INFINITY, 3]] },
    { exampleId: "c", confidence: Number.NEGATIVE_INFINITY, bboxes: [] },
    ok("d"),
  ]);
  assert.deepEqual(result, [
    'entry 0 (example_id "a"): confidence is NaN (Python\'s json writes NaN/Infinity for non-finite floats; JSON and the leaderboard do not accept them)',
    'entry 1 (example_id "b"): bboxes[0][2] is Infinity (Python\'s json writes NaN/Infinity for non-finite floats; JSON and the leaderboard do not accept them)',
    'entry 2 (example_id "c"): confidence is -Infinity (Python\'s json writes NaN/Infinity for non-finite floats; JSON and the leaderboard do not accept them)',
  ]);
});

test("confidence outside [0, 1] or not a number is reported", () => {
  assert.deepEqual(
    messages([
      { exampleId: "a", confidence: 1.5, bboxes: [] },
      { exampleId: "b", confidence: -0.01, bboxes: [] },
      loose({ exampleId: "c", confidence: "0.5", bboxes: [] }),
      loose({ exampleId: "d", bboxes: [] }),
    ]),
    [
      'entry 0 (example_id "a"): confidence 1.5 is outside [0, 1]',
      'entry 1 (example_id "b"): confidence -0.01 is outside [0, 1]',
      'entry 2 (example_id "c"): confidence must be a number in [0, 1], got "0.5"',
      'entry 3 (example_id "d"): confidence must be a number in [0, 1], got nothing (the key is missing)',
    ],
  );
});

test("boxes of the wrong length, with non-numbers, or inverted are reported one by one (one problem per box)", () => {
  const problems = validatePredictions(samples, [
    loose({
      exampleId: "a",
      confidence: 0.5,
      bboxes: [
        [0, 0, 1],
        [0, 0, 1, 1, 1],
      ],
    }),
    loose({
      exampleId: "b",
      confidence: 0.5,
      bboxes: [
        [0, "1", 2, 3],
        [0, 0, null, 3],
      ],
    }),
    {
      exampleId: "c",
      confidence: 0.5,
      bboxes: [
        [10, 0, 5, 3],
        [0, 9, 5, 3],
        [10, 9, 5, 3],
      ],
    },
    loose({ exampleId: "d", confidence: 0.5, bboxes: { x1: 0 } }),
  ]);
  assert.deepEqual(
    problems.map((p) => [p.kind, p.message]),
    [
      [
        "bboxes",
        'entry 0 (example_id "a"): bboxes[0] must be [x1, y1, x2, y2] (4 numbers), got an array of length 3',
      ],
      [
        "bboxes",
        'entry 0 (example_id "a"): bboxes[1] must be [x1, y1, x2, y2] (4 numbers), got an array of length 5',
      ],
      ["bboxes", 'entry 1 (example_id "b"): bboxes[0][1] is not a number: "1"'],
      ["bboxes", 'entry 1 (example_id "b"): bboxes[1][2] is not a number: null'],
      ["inverted_box", 'entry 2 (example_id "c"): bboxes[0] has x2 < x1 ([10,0,5,3])'],
      ["inverted_box", 'entry 2 (example_id "c"): bboxes[1] has y2 < y1 ([0,9,5,3])'],
      ["inverted_box", 'entry 2 (example_id "c"): bboxes[2] has x2 < x1 and y2 < y1 ([10,9,5,3])'],
      ["bboxes", 'entry 3 (example_id "d"): bboxes must be a list of [x1, y1, x2, y2], got an object'],
    ],
  );
});

test("formatPredictionProblems counts by kind and lists the first problems", () => {
  const problems = validatePredictions(samples, [{ exampleId: "a", confidence: 2, bboxes: [] }]);
  assert.equal(
    formatPredictionProblems(problems, "in p.json"),
    "4 problems in p.json (1 confidence, 3 missing):\n" +
      '  - entry 0 (example_id "a"): confidence 2 is outside [0, 1]\n' +
      '  - missing prediction for example_id "b"\n' +
      '  - missing prediction for example_id "c"\n' +
      '  - missing prediction for example_id "d"',
  );
  assert.match(
    formatPredictionProblems(problems, "in p.json", 1),
    /confidence 2 is outside \[0, 1\]\n {2}… and 3 more$/,
  );
});
