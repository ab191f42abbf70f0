import assert from "node:assert/strict";
import { test } from "node:test";
import type { BoxXyxy } from "../../src/grit/box.js";
import { loadLemma2Groups } from "../../src/grit/concept-groups.js";
import { groundTruthCoverage } from "../../src/grit/coverage.js";
import { evaluateCoveredLocalization, withNullsForUncovered } from "../../src/grit/covered-metrics.js";
import { loadPredictions } from "../../src/grit/load-predictions.js";
import { evaluateLocalization } from "../../src/grit/metric.js";
import { type GritSample, loadSamples } from "../../src/grit/samples.js";
import { studentTQuantile } from "../../src/grit/t-quantile.js";
import { fixturePath } from "../support/fixtures.js";
import { fixtureRuns } from "./metrics-compare.js";
import { localizationSample } from "./support/localization-sample.js";

async function loadRun(run: string) {
  const dir = (...p: string[]) => fixturePath("grit", "runs", run, ...p);
  const predictions = await loadPredictions(dir("ablation", "localization.json"));
  return {
    samples: await loadSamples(dir("samples.json")),
    predictions: predictions.entries,
    lemma2groups: await loadLemma2Groups(dir("lemma2groups.json")),
    paramsInMillions: predictions.paramsInMillions!,
  };
}

const isUndistortedNewSrc = (s: GritSample) => s.meta!.isNewSource && !s.meta!.isDistorted;

for (const run of fixtureRuns()) {
  // Fixture: grit/runs/<run> (samples, predictions, lemma2groups); exact equality, same code path.
  test(`${run}: full coverage gives evaluateLocalization's metrics unchanged`, async () => {
    const options = await loadRun(run);
    const coverage = groundTruthCoverage(options.samples);
    assert.deepEqual(evaluateCoveredLocalization(options, coverage), evaluateLocalization(options));
  });

  test(`${run} without coco_loc gives the numbers of a file that holds only its undistorted newSrc samples`, async () => {
    const options = await loadRun(run);
    for (const round of [true, false]) {
      const partial = options.samples.filter((s) => s.meta!.dataSource !== "coco_loc");
      const coverage = groundTruthCoverage(partial);
      const metrics = evaluateCoveredLocalization({ ...options, samples: partial, round }, coverage);
      // The equivalent file: only the samples that newSrc and sameCpt/newCpt within it are made of.
      const equivalent = evaluateLocalization({
        ...options,
        samples: partial.filter(isUndistortedNewSrc),
        round,
        allowMissingPartitions: true,
      });
      const expected: Record<string, number> = { params: equivalent.params };
      for (const [key, value] of Object.entries(equivalent)) {
        const [measure, cgroup, partition, ...rest] = key.split(".");
        if (cgroup !== "any") continue;
        if (partition === "newSrc") expected[key] = value;
        if (partition === "sameCpt" || partition === "newCpt") {
          expected[[measure, cgroup, `${partition}@newSrc`, ...rest].join(".")] = value;
        }
      }
      assert.deepEqual(metrics, expected, `round ${round}`);
      assert.ok(Object.keys(expected).length > 40, "newSrc and both within-newSrc partitions");
    }
  });
}

// Hand-computed: five Open Images / NYUv2 samples (newSrc) whose loc_metric is exactly 1 (both empty) or 0 (one
// empty), confidence 0.5. acc: sameCpt@newSrc = {100, 0}, newCpt@newSrc = {100, 100, 0}, newSrc = all five.
const box: BoxXyxy = [0, 0, 10, 10];
const newSrcSample = (id: string, source: string, newCpt: boolean, gt: BoxXyxy[]) =>
  localizationSample(id, gt, {
    dataSource: source,
    isNewSource: true,
    hasNewConcept: newCpt,
    concepts: [{ lemma: "thing", synset: null }],
  });
const handSamples = [
  newSrcSample("open_images_loc_a", "open_images_loc", false, []),
  newSrcSample("nyuv2_loc_b", "nyuv2_loc", false, [box]),
  newSrcSample("open_images_loc_c", "open_images_loc", true, []),
  newSrcSample("nyuv2_loc_d", "nyuv2_loc", true, []),
  newSrcSample("open_images_loc_e", "open_images_loc", true, [box]),
];
const handPredictions = handSamples.map((s) => ({ exampleId: s.exampleId, confidence: 0.5, bboxes: [] }));
// Entries for ids the ground truth lacks (a whole-set submission) are ignored.
handPredictions.push({ exampleId: "coco_loc_test-reserve_cat_1", confidence: 0.5, bboxes: [] });

/** mean ∓ t(0.975, n−1)·(sd/√n + 1e-6), rounded to 4 decimals and clamped as evaluate.py does. */
function tInterval(values: number[]) {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const half = studentTQuantile(0.975, n - 1) * (sd / Math.sqrt(n) + 1e-6);
  const r = (v: number) => Math.round(v * 1e4) / 1e4;
  return { cnt: n, mean: r(mean), lower: r(Math.max(0, mean - half)), upper: r(Math.min(100, mean + half)) };
}

test("a hand-written rebuilt-style ground truth: newSrc and the zero-shot split within it, by hand", () => {
  const coverage = groundTruthCoverage(handSamples);
  const metrics = evaluateCoveredLocalization(
    { samples: handSamples, predictions: handPredictions, paramsInMillions: 428 },
    coverage,
  );
  const read = (partition: string) => {
    const p = `acc.any.${partition}.loc`;
    return {
      cnt: metrics[`${p}.cnt`],
      mean: metrics[`${p}.mean`],
      lower: metrics[`${p}.lower`],
      upper: metrics[`${p}.upper`],
    };
  };
  assert.deepEqual(read("newSrc"), tInterval([100, 0, 100, 100, 0]));
  assert.equal(read("newSrc").mean, 60);
  assert.deepEqual(read("sameCpt@newSrc"), tInterval([100, 0]));
  assert.deepEqual(read("newCpt@newSrc"), tInterval([100, 100, 0]));
  assert.equal(
    metrics["acc.any.newSrc.all.mean"],
    Math.round((60 / 7) * 1e4) / 1e4,
    "a covered partition's .all",
  );
  assert.equal(metrics["conf.any.newCpt@newSrc.loc.mean"], 50);
  assert.equal(metrics.params, 428);
  // Nothing from one source claims to be agg, overall, a group score or a whole-set Cpt/dist partition.
  assert.deepEqual(
    Object.keys(metrics).filter((k) =>
      /^overall|\.(agg|sameSrc|sameCpt|newCpt|dist|undist|deldist)\./.test(k),
    ),
    [],
  );

  const json = withNullsForUncovered(metrics, coverage);
  assert.equal(json["acc.any.agg.loc.mean"], null);
  assert.equal(json["overall.mean"], null);
  assert.equal(json["acc.any.sameCpt.loc.cnt"], null);
  assert.equal(json["acc.animals.agg.loc.mean"], null);
  assert.equal(json["rmse.any.newCpt@newSrc.loc.mean"], metrics["rmse.any.newCpt@newSrc.loc.mean"]);
  assert.equal(json["rmse.any.deldist.loc.mean"], undefined, "rmse has no deldist, as in evaluate.py");
  assert.ok(
    Object.values(json).every((v) => v === null || Number.isFinite(v)),
    "no NaN or infinity anywhere",
  );
  assert.deepEqual(Object.keys(json), Object.keys(json).sort());
});

test("a covered partition with one sample gives null in JSON, not NaN or an error", () => {
  const samples = handSamples.slice(0, 3); // newCpt@newSrc has one sample
  const coverage = groundTruthCoverage(samples);
  const metrics = evaluateCoveredLocalization(
    { samples, predictions: handPredictions, paramsInMillions: 1 },
    coverage,
  );
  assert.equal(coverage.partitions["newCpt@newSrc"]?.covered, true);
  assert.equal(metrics["acc.any.newCpt@newSrc.loc.mean"], undefined);
  assert.equal(withNullsForUncovered(metrics, coverage)["acc.any.newCpt@newSrc.loc.mean"], null);
  assert.ok(Object.values(metrics).every(Number.isFinite));
});
