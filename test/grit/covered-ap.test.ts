import assert from "node:assert/strict";
import { test } from "node:test";
import { apReport } from "../../src/grit/ap-report.js";
import type { BoxXyxy } from "../../src/grit/box.js";
import { groundTruthCoverage } from "../../src/grit/coverage.js";
import { coveredApReport } from "../../src/grit/covered-ap.js";
import { sourceSample } from "./support/localization-sample.js";

// Hand-computed (pycocotools is not installable here): 101-point interpolation, so a hit ranked before a miss at
// recall 1/2 gives AP 51/101; see test/grit/ap-report.test.ts for apReport's own cases.

const box: BoxXyxy = [0, 0, 10, 10];
const far: BoxXyxy = [50, 50, 60, 60];

const sample = (id: string, source: string, flags: { newSrc: boolean; newCpt?: boolean; dist?: boolean }) =>
  sourceSample(id, source, flags, [box]);

const newSrc = [
  sample("open_images_loc_hit", "open_images_loc", { newSrc: true, newCpt: true }),
  sample("nyuv2_loc_miss", "nyuv2_loc", { newSrc: true, newCpt: true }),
  sample("open_images_loc_same", "open_images_loc", { newSrc: true }),
];
const coco = [
  sample("coco_loc_a", "coco_loc", { newSrc: false }),
  sample("coco_loc_a_dist", "coco_loc", { newSrc: false, dist: true }),
];
const predictions = [
  { exampleId: "open_images_loc_hit", confidence: 0.9, bboxes: [box] },
  { exampleId: "nyuv2_loc_miss", confidence: 0.8, bboxes: [far] },
  { exampleId: "open_images_loc_same", confidence: 0.7, bboxes: [box] },
  { exampleId: "coco_loc_a", confidence: 0.6, bboxes: [box] },
  { exampleId: "coco_loc_a_dist", confidence: 0.5, bboxes: [far] },
];
const close = (actual: number | null | undefined, expected: number) =>
  assert.ok(actual != null && Math.abs(actual - expected) < 1e-10, `got ${actual}, expected ${expected}`);

test("partial ground truth: AP in percent for newSrc and the zero-shot split within it; no overall or agg", () => {
  const report = coveredApReport(newSrc, predictions, groundTruthCoverage(newSrc));
  assert.equal(report.overall, null);
  assert.equal(report.agg, null);
  // newSrc ranks hit (0.9), miss (0.8), hit (0.7) over 3 gt boxes: precision 1 up to recall 1/3, then 2/3 up
  // to recall 2/3 and nothing above: (34 + 33·2/3) / 101 at every threshold (exact boxes, IoU 1).
  close(report.partitions.newSrc?.ap, (100 * (34 + 22)) / 101);
  close(report.partitions.newSrc?.ap50, (100 * 56) / 101);
  // newCpt within newSrc: hit then miss over 2 boxes → 51/101.
  close(report.partitions["newCpt@newSrc"]?.ap, (100 * 51) / 101);
  close(report.partitions["sameCpt@newSrc"]?.ap, 100 * (1 - 2e-16));
  assert.equal(report.partitions["newCpt@newSrc"]?.numSamples, 2);
  assert.deepEqual(Object.keys(report.partitions).sort(), ["newCpt@newSrc", "newSrc", "sameCpt@newSrc"]);
});

test("full coverage: every apReport number ×100, overall and agg included", () => {
  const samples = [...coco, ...newSrc];
  const withNyuAndCoco = coveredApReport(samples, predictions, groundTruthCoverage(samples));
  const plain = apReport({ samples, predictions });
  close(withNyuAndCoco.overall?.ap, 100 * plain.overall.ap!);
  close(withNyuAndCoco.agg?.ap75, 100 * plain.agg!.ap75);
  for (const p of ["sameSrc", "newSrc", "sameCpt", "newCpt", "dist", "undist"] as const) {
    close(withNyuAndCoco.partitions[p]?.ap, 100 * plain.partitions[p]!.ap!);
  }
  assert.equal(withNyuAndCoco.partitions["newCpt@newSrc"], undefined);
});
