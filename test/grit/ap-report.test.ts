import assert from "node:assert/strict";
import { test } from "node:test";
import { isGritlocError } from "../../src/errors.js";
import { apReport } from "../../src/grit/ap-report.js";
import type { BoxXyxy } from "../../src/grit/box.js";
import { localizationSample } from "./support/localization-sample.js";

// Hand-computed cases (no fixture): 101-point interpolation, so one true positive then one false positive
// at recall 0.5 gives precision 1 for the 51 recall thresholds 0.00..0.50 and 0 above: AP = 51/101.

const sample = localizationSample;

const box: BoxXyxy = [0, 0, 10, 10];
// Precision is tp / (tp + fp + eps) as in pycocotools, so a perfect AP is 1 − 2e-16, not 1.
const close = (actual: number | null | undefined, expected: number) =>
  assert.ok(actual != null && Math.abs(actual - expected) < 1e-12, `got ${actual}, expected ${expected}`);
const far: BoxXyxy = [50, 50, 60, 60];

test("an exact box is AP 1 at every threshold", () => {
  const report = apReport({
    samples: [sample("a", [box])],
    predictions: [{ exampleId: "a", confidence: 0.3, bboxes: [box] }],
  });
  close(report.overall.ap, 1);
  close(report.overall.ap50, 1);
  close(report.overall.ap75, 1);
  assert.deepEqual(
    [report.overall.numSamples, report.overall.numGtBoxes, report.overall.numDetections],
    [1, 1, 1],
  );
});

test("ranking by confidence: a hit ranked before a miss gives 51/101, after a miss 25.5/101", () => {
  const samples = [sample("a", [box]), sample("b", [box])];
  const hitFirst = apReport({
    samples,
    predictions: [
      { exampleId: "a", confidence: 0.9, bboxes: [box] },
      { exampleId: "b", confidence: 0.8, bboxes: [far] },
    ],
  });
  assert.ok(Math.abs(hitFirst.overall.ap! - 51 / 101) < 1e-15);
  const missFirst = apReport({
    samples,
    predictions: [
      { exampleId: "a", confidence: 0.8, bboxes: [box] },
      { exampleId: "b", confidence: 0.9, bboxes: [far] },
    ],
  });
  // Precision envelope [0.5, 0.5] over recall [0, 0.5].
  assert.ok(Math.abs(missFirst.overall.ap! - 25.5 / 101) < 1e-15);
});

test("equal confidences keep sample order (documented tie rule)", () => {
  const samples = [sample("a", [box]), sample("b", [box])];
  const report = apReport({
    samples,
    predictions: [
      { exampleId: "b", confidence: 0.5, bboxes: [far] },
      { exampleId: "a", confidence: 0.5, bboxes: [box] },
    ],
  });
  // Samples order a (hit), b (miss): same as the hit-first case although the entries come in the other order.
  assert.ok(Math.abs(report.overall.ap! - 51 / 101) < 1e-15);
});

test("IoU 0.72 counts at thresholds 0.50–0.70 only: AP 0.5, AP50 1, AP75 0", () => {
  const report = apReport({
    samples: [sample("a", [box])],
    predictions: [{ exampleId: "a", confidence: 1, bboxes: [[0, 0, 10, 7.2]] }],
  });
  close(report.overall.ap, 0.5);
  close(report.overall.ap50, 1);
  assert.equal(report.overall.ap75, 0);
});

test("a box can match only one ground truth; a second box on it is a false positive", () => {
  const report = apReport({
    samples: [sample("a", [box, far])],
    predictions: [{ exampleId: "a", confidence: 1, bboxes: [box, box] }],
  });
  // tp then fp, recall 0.5: 51/101 at every threshold.
  assert.ok(Math.abs(report.overall.ap! - 51 / 101) < 1e-15);
});

test("partitions follow the official selection, agg averages sameSrc and newSrc, and no gt gives null", () => {
  const samples = [
    sample("s", [box]),
    sample("n", [box], { isNewSource: true, hasNewConcept: true }),
    sample("s_dist", [box], { isDistorted: true }),
    sample("empty", [], { isNewSource: true }),
  ];
  const report = apReport({
    samples,
    predictions: [
      { exampleId: "s", confidence: 0.5, bboxes: [box] },
      { exampleId: "n", confidence: 0.5, bboxes: [far] },
      { exampleId: "s_dist", confidence: 0.5, bboxes: [box] },
    ],
  });
  close(report.partitions.sameSrc?.ap, 1);
  assert.equal(report.partitions.newSrc?.ap, 0);
  assert.equal(report.partitions.newSrc?.numSamples, 2);
  assert.equal(report.partitions.newCpt?.ap, 0);
  close(report.partitions.dist?.ap, 1);
  assert.equal(report.partitions.undist?.numSamples, 1, "undist = undistorted twins of distorted samples");
  close(report.agg?.ap, 0.5);
  close(report.agg?.ap50, 0.5);
  close(report.agg?.ap75, 0.5);
  const none = apReport({
    samples: [sample("e", [])],
    predictions: [{ exampleId: "e", confidence: 1, bboxes: [box] }],
  });
  assert.equal(none.overall.ap, null);
});

test("apReport needs ground truth and a positive maxDetsPerSample", () => {
  const { groundTruth: _, ...noTruth } = sample("a", [box]);
  assert.throws(
    () => apReport({ samples: [noTruth], predictions: [] }),
    (e) => isGritlocError(e, "E_INVALID_OPTION") && /samples with ground truth/.test(e.message),
  );
  assert.throws(
    () => apReport({ samples: [], predictions: [], maxDetsPerSample: 0 }),
    (e) => isGritlocError(e, "E_INVALID_OPTION") && /maxDetsPerSample/.test(e.message),
  );
});
