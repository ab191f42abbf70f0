import assert from "node:assert/strict";
import { test } from "node:test";
import { groundTruthCoverage } from "../../src/grit/coverage.js";
import { GRIT_PARTITIONS } from "../../src/grit/metric.js";
import { type GritSample, loadSamples } from "../../src/grit/samples.js";
import { fixturePath } from "../support/fixtures.js";
import { fixtureRuns } from "./metrics-compare.js";
import { sourceSample } from "./support/localization-sample.js";

// Fixtures: grit/runs/<run>/samples.json (coco_loc, open_images_loc, nyuv2_loc and construction_loc samples),
// filtered by source; synthetic samples for sets whose sources GRIT does not name.

const runSamples = (run: string) => loadSamples(fixturePath("grit", "runs", run, "samples.json"));
const without = (samples: readonly GritSample[], ...sources: string[]) =>
  samples.filter((s) => !sources.includes(s.meta!.dataSource!));

const synthetic = sourceSample;

for (const run of fixtureRuns()) {
  test(`${run}: every GRIT source is there, so every partition is covered and nothing is within a source`, async () => {
    const coverage = groundTruthCoverage(await runSamples(run));
    assert.equal(coverage.full, true);
    assert.equal(coverage.within, null);
    assert.deepEqual(coverage.sources.notCovered, []);
    for (const p of GRIT_PARTITIONS) assert.equal(coverage.partitions[p].covered, true, p);
    assert.equal(coverage.partitions["newCpt@newSrc"], undefined);
  });
}

test("without coco_loc (a rebuilt ground truth): newSrc and sameCpt/newCpt within it only", async () => {
  const samples = without(await runSamples("run1_mixed"), "coco_loc");
  const coverage = groundTruthCoverage(samples);
  const newSrc = samples.filter((s) => s.meta!.isNewSource && !s.meta!.isDistorted);
  assert.equal(coverage.full, false);
  assert.equal(coverage.within, "newSrc");
  assert.deepEqual(coverage.sources, {
    covered: ["construction_loc", "nyuv2_loc", "open_images_loc"],
    notCovered: ["coco_loc"],
  });
  assert.deepEqual(coverage.partitions.newSrc, { covered: true, samples: newSrc.length, reason: null });
  assert.equal(
    coverage.partitions["newCpt@newSrc"]?.samples,
    newSrc.filter((s) => s.meta!.hasNewConcept).length,
  );
  assert.equal(
    coverage.partitions["sameCpt@newSrc"]!.samples + coverage.partitions["newCpt@newSrc"]!.samples,
    newSrc.length,
  );
  // open_images_loc is flagged sameSrc in this synthetic run: sameSrc has samples but lacks its COCO part.
  assert.ok(coverage.partitions.sameSrc.samples > 0);
  assert.deepEqual(
    GRIT_PARTITIONS.filter((p) => !coverage.partitions[p].covered),
    ["sameSrc", "agg", "sameCpt", "newCpt", "dist", "undist", "deldist"],
  );
  assert.equal(coverage.partitions.sameSrc.reason, "needs coco_loc, which the ground truth lacks");
  assert.equal(coverage.partitions.dist.reason, "needs coco_loc, which the ground truth lacks");
  assert.equal(coverage.partitions.newCpt.reason, "mixes sameSrc and newSrc, and sameSrc is not covered");
  assert.equal(coverage.partitions.agg.reason, "needs both sameSrc and newSrc covered");
});

test("without nyuv2_loc: newSrc is not covered; COCO's sameSrc and the distortion partitions are", async () => {
  const coverage = groundTruthCoverage(without(await runSamples("run2_const05"), "nyuv2_loc"));
  assert.equal(coverage.within, "sameSrc");
  assert.equal(coverage.partitions.newSrc.reason, "needs nyuv2_loc, which the ground truth lacks");
  assert.deepEqual(
    GRIT_PARTITIONS.filter((p) => coverage.partitions[p].covered),
    ["sameSrc", "dist", "undist", "deldist"],
  );
  assert.equal(coverage.partitions["newCpt@sameSrc"]?.covered, true);
});

test("a set whose sources GRIT does not name is judged by its own samples", () => {
  const full = groundTruthCoverage([
    synthetic("a", "studio", {}),
    synthetic("b", "field", { newSrc: true, newCpt: true }),
    synthetic("b_dist", "field", { newSrc: true, dist: true }),
  ]);
  assert.equal(full.full, true);
  assert.deepEqual(full.sources.notCovered, []);
  assert.equal(full.partitions.dist.covered, true);
  assert.equal(full.partitions.undist.samples, 1, "one undistorted twin");

  // Only the newSrc source: its distorted twins mix into dist with those of a source that is not there.
  const partial = groundTruthCoverage([
    synthetic("b", "field", { newSrc: true, newCpt: true }),
    synthetic("c", "field", { newSrc: true }),
    synthetic("b_dist", "field", { newSrc: true, dist: true }),
  ]);
  assert.equal(partial.within, "newSrc");
  assert.equal(partial.partitions.sameSrc.reason, "no sample in the ground truth");
  assert.equal(partial.partitions.dist.covered, false);
  assert.equal(partial.partitions.dist.reason, "mixes sameSrc and newSrc, and sameSrc is not covered");
  assert.deepEqual(partial.partitions["newCpt@newSrc"], { covered: true, samples: 1, reason: null });
  assert.deepEqual(partial.partitions["sameCpt@newSrc"], { covered: true, samples: 1, reason: null });
});

test("a covered partition with one sample is still covered (its numbers are then absent, as in evaluate.py)", () => {
  const coverage = groundTruthCoverage([
    synthetic("a", "studio", {}),
    synthetic("b", "field", { newSrc: true }),
  ]);
  assert.deepEqual(coverage.partitions.newSrc, { covered: true, samples: 1, reason: null });
  assert.deepEqual(coverage.partitions.newCpt, {
    covered: false,
    samples: 0,
    reason: "no sample in the ground truth",
  });
});
