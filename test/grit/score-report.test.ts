/**
 * The AP table `gritloc score --ap` prints: covered partitions with AP, AP50, AP75, samples and boxes; rows
 * the ground truth cannot score say why, with nothing after the reason.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { BoxXyxy } from "../../src/grit/box.js";
import { groundTruthCoverage } from "../../src/grit/coverage.js";
import { coveredApReport } from "../../src/grit/covered-ap.js";
import { formatApTable } from "../../src/grit/score-report.js";
import { sourceSample } from "./support/localization-sample.js";

// Hand-made: two newSrc samples, each predicted exactly (AP 1 − 2e-16, printed 100.00); no COCO sample, so
// sameSrc, agg and the all-samples row are not covered.
const box: BoxXyxy = [0, 0, 10, 10];

test("AP table: covered rows carry the numbers, uncovered rows only their reason", () => {
  const samples = [
    sourceSample("open_images_loc_a", "open_images_loc", { newSrc: true }, [box]),
    sourceSample("nyuv2_loc_b", "nyuv2_loc", { newSrc: true, newCpt: true }, [box]),
  ];
  const predictions = samples.map((s) => ({ exampleId: s.exampleId, confidence: 0.5, bboxes: [box] }));
  const coverage = groundTruthCoverage(samples);
  const table = formatApTable(coveredApReport(samples, predictions, coverage), coverage);
  const rows = table.split("\n");
  assert.ok(rows.includes("  all samples             not covered (needs sameSrc and newSrc)"), table);
  assert.ok(rows.includes("  agg (sameSrc+newSrc)/2  not covered"), table);
  assert.ok(rows.includes("  sameSrc                 not covered"), table);
  assert.ok(
    rows.includes(`  newSrc                  ${"100.00".padStart(8).repeat(3)}        2        2`),
    table,
  );
  assert.ok(
    rows.includes(`  newCpt@newSrc (0-shot)  ${"100.00".padStart(8).repeat(3)}        1        1`),
    table,
  );
});
