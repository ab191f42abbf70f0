import assert from "node:assert/strict";
import { test } from "node:test";
import { findBoxesOutsideImage, formatBoxesOutsideImage } from "../../src/grit/boxes-outside-image.js";
import type { SubmissionEntry } from "../../src/grit/submission.js";

const samples = [
  { exampleId: "sized", meta: { imageSize: { width: 100, height: 50 } } },
  { exampleId: "unsized" },
];

test("negative coordinates always, and coordinates beyond a recorded image size, are found box by box", () => {
  const entries: SubmissionEntry[] = [
    {
      exampleId: "sized",
      confidence: 0.5,
      bboxes: [
        [0, 0, 100, 50],
        [-1, 0, 10, 10],
        [0, 0, 101, 51],
      ],
    },
    { exampleId: "unsized", confidence: 0.5, bboxes: [[0, -2, 5000, 5000]] },
  ];
  assert.deepEqual(
    findBoxesOutsideImage(samples, entries).map((b) => [b.index, b.box, b.message]),
    [
      [0, 1, 'entry 0 (example_id "sized"): bboxes[1] [-1,0,10,10] has x1 < 0'],
      [
        0,
        2,
        'entry 0 (example_id "sized"): bboxes[2] [0,0,101,51] has x2 > 100 (the image width) and y2 > 50 (the image height)',
      ],
      [1, 0, 'entry 1 (example_id "unsized"): bboxes[0] [0,-2,5000,5000] has y1 < 0'],
    ],
  );
});

test("malformed boxes and unknown ids are left to validatePredictions", () => {
  const entries = [
    {
      exampleId: "sized",
      confidence: 0.5,
      bboxes: [
        [-1, 0, 1],
        [-1, 0, Number.NaN, 1],
      ],
    },
    { exampleId: "stray", confidence: 0.5, bboxes: [[-1, -1, 5, 5]] },
  ] as unknown as SubmissionEntry[];
  assert.deepEqual(findBoxesOutsideImage(samples, entries), []);
});

test("the warning counts in words and names the first box", () => {
  const one = findBoxesOutsideImage(samples, [
    { exampleId: "unsized", confidence: 1, bboxes: [[-1, 0, 1, 1]] },
  ]);
  assert.match(formatBoxesOutsideImage(one), /^1 box lies partly outside its image, e\.g\. entry 0 /);
  const two = findBoxesOutsideImage(samples, [
    {
      exampleId: "unsized",
      confidence: 1,
      bboxes: [
        [-1, 0, 1, 1],
        [0, -1, 1, 1],
      ],
    },
  ]);
  assert.match(
    formatBoxesOutsideImage(two),
    /^2 boxes lie partly outside their image, e\.g\. entry 0 .*bboxes\[0\]/,
  );
});
