import assert from "node:assert/strict";
import { test } from "node:test";
import { isGritlocError } from "../../src/errors.js";
import { loadLemma2Groups } from "../../src/grit/concept-groups.js";
import { loadPredictions } from "../../src/grit/load-predictions.js";
import { evaluateLocalization } from "../../src/grit/metric.js";
import { computeSampleRecords } from "../../src/grit/sample-records.js";
import { loadSamples } from "../../src/grit/samples.js";
import { studentTQuantile } from "../../src/grit/t-quantile.js";
import { fixturePath, readFixtureJson } from "../support/fixtures.js";
import { assertMetricsMatch, fixtureRuns } from "./metrics-compare.js";

const t975 = (df: number) => studentTQuantile(0.975, df);

async function loadRun(run: string) {
  const dir = (...p: string[]) => fixturePath("grit", "runs", run, ...p);
  const samples = await loadSamples(dir("samples.json"));
  const predictions = await loadPredictions(dir("ablation", "localization.json"));
  const lemma2groups = await loadLemma2Groups(dir("lemma2groups.json"));
  return { samples, predictions, lemma2groups };
}

test("there is at least one fixture run", () => {
  assert.ok(fixtureRuns().length >= 3, `found ${fixtureRuns().join(", ")}`);
});

for (const run of fixtureRuns()) {
  // Fixtures: grit/runs/<run>/metrics_unrounded.json (abs 1e-9, plus the scipy-1.10 t.ppf allowance on
  // t-interval bounds) and metrics.json (exact, or abs 1e-4 + 1e-9); key sets exact (grit/README.md).
  test(`evaluateLocalization reproduces ${run}/metrics_unrounded.json and metrics.json`, async () => {
    const { samples, predictions, lemma2groups } = await loadRun(run);
    assert.ok(predictions.paramsInMillions !== null, "params.json beside localization.json");
    const options = {
      samples,
      predictions: predictions.entries,
      lemma2groups,
      paramsInMillions: predictions.paramsInMillions,
    };
    const unrounded = evaluateLocalization({ ...options, round: false });
    const expectedUnrounded = readFixtureJson<Record<string, number>>(
      "grit",
      "runs",
      run,
      "metrics_unrounded.json",
    );
    assertMetricsMatch(unrounded, expectedUnrounded, {
      atol: 1e-9,
      what: `${run} unrounded`,
      studentT: t975,
    });

    const rounded = evaluateLocalization(options);
    const expected = readFixtureJson<Record<string, number>>("grit", "runs", run, "metrics.json");
    assertMetricsMatch(rounded, expected, { atol: 1e-4 + 1e-9, what: `${run} rounded`, studentT: t975 });
    const exact = Object.keys(expected).filter((k) => Object.is(rounded[k] + 0, expected[k] + 0)).length;
    assert.equal(exact, Object.keys(expected).length, `${run}: every rounded value is identical`);
  });

  // Fixture: grit/runs/<run>/per_sample.json, a debugging aid: loc_metric abs 1e-12, labels exact.
  test(`computeSampleRecords matches ${run}/per_sample.json`, async () => {
    const { samples, predictions, lemma2groups } = await loadRun(run);
    const byId = new Map(predictions.entries.map((e) => [e.exampleId, e]));
    const records = computeSampleRecords(samples, byId, lemma2groups);
    const expected = readFixtureJson<
      {
        example_id: string;
        loc_metric: number;
        confidence: number;
        src: string;
        cpt: string;
        dist: string;
        undistp: boolean;
        groups: string[];
      }[]
    >("grit", "runs", run, "per_sample.json");
    assert.equal(records.length, expected.length);
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      const e = expected[i];
      assert.equal(r.exampleId, e.example_id);
      assert.ok(
        Math.abs(r.locMetric - e.loc_metric) <= 1e-12,
        `${e.example_id}: ${r.locMetric} vs ${e.loc_metric}`,
      );
      assert.equal(r.confidence, e.confidence, e.example_id);
      assert.deepEqual([r.src, r.cpt, r.dist, r.undistp], [e.src, e.cpt, e.dist, e.undistp], e.example_id);
      assert.deepEqual(r.groups, [...e.groups].sort(), e.example_id);
    }
  });
}

test("params is truncated like int(): 87.9 → 87", async () => {
  const { samples, predictions, lemma2groups } = await loadRun(fixtureRuns()[0]);
  const metrics = evaluateLocalization({
    samples,
    predictions: predictions.entries,
    lemma2groups,
    paramsInMillions: 87.9,
  });
  assert.equal(metrics.params, 87);
});

test("without lemma2groups there are no per-group keys, and the rest is unchanged", async () => {
  const { samples, predictions, lemma2groups } = await loadRun(fixtureRuns()[0]);
  const base = { samples, predictions: predictions.entries, paramsInMillions: 1 };
  const grouped = evaluateLocalization({ ...base, lemma2groups });
  const plain = evaluateLocalization(base);
  const anyKeys = Object.keys(grouped).filter(
    (k) => !/^acc\.[a-z_]+\.agg\.loc\./.test(k) || k.startsWith("acc.any."),
  );
  assert.deepEqual(Object.keys(plain), anyKeys);
  for (const k of anyKeys) assert.equal(plain[k], grouped[k], k);
});

test("the two GRIT examples cannot be scored officially: a clear error, or partial keys with allowMissingPartitions", async () => {
  // Both examples are sameSrc/sameCpt, undistorted: newSrc (hence agg and overall) and dist are empty.
  const samples = await loadSamples(fixturePath("grit", "examples", "samples.json"));
  const predictions = samples.map((s) => ({
    exampleId: s.exampleId,
    confidence: 0.5,
    bboxes: s.groundTruth!.bboxes,
  }));
  assert.throws(
    () => evaluateLocalization({ samples, predictions, paramsInMillions: 1 }),
    (e) =>
      isGritlocError(e, "E_SAMPLES_INVALID") &&
      /The newSrc partition has fewer than 2 samples/.test(e.message) &&
      /KeyError/.test(e.message) &&
      /allowMissingPartitions/.test(e.message),
  );
  const metrics = evaluateLocalization({
    samples,
    predictions,
    paramsInMillions: 1,
    allowMissingPartitions: true,
  });
  assert.equal(metrics.params, 1);
  assert.equal(metrics["acc.any.sameSrc.loc.cnt"], 2);
  assert.equal(
    metrics["acc.any.sameSrc.all.mean"],
    Math.round((metrics["acc.any.sameSrc.loc.mean"] / 7) * 1e4) / 1e4,
  );
  const absent = Object.keys(metrics).filter((k) =>
    /\.(newSrc|agg|newCpt|dist|undist|deldist)\.|^overall/.test(k),
  );
  assert.deepEqual(absent, []);
});

test("scoring samples without ground truth says that the ablation/test truth is hidden", async () => {
  const samples = (await loadSamples(fixturePath("grit", "examples", "samples.json"))).map((s) => ({
    exampleId: s.exampleId,
    imageId: s.imageId,
    taskName: s.taskName,
    taskQuery: s.taskQuery,
    taskBbox: s.taskBbox,
    outputOptions: s.outputOptions,
  }));
  const predictions = samples.map((s) => ({ exampleId: s.exampleId, confidence: 0.5, bboxes: [] }));
  assert.throws(
    () => evaluateLocalization({ samples, predictions, paramsInMillions: 1 }),
    (e) =>
      isGritlocError(e, "E_SAMPLES_INVALID") &&
      /2 of 2 samples have no ground truth/.test(e.message) &&
      /hidden/.test(e.message) &&
      /leaderboard\.allenai\.org\/grit-ablation/.test(e.message),
  );
});

test("missing and duplicate predictions stop scoring with the problem list; unknown ids are ignored", async () => {
  const { samples, predictions, lemma2groups } = await loadRun(fixtureRuns()[0]);
  const entries = predictions.entries.filter((e) => e.exampleId !== samples[0].exampleId);
  entries.push(entries[0]);
  assert.throws(
    () => evaluateLocalization({ samples, predictions: entries, lemma2groups, paramsInMillions: 1 }),
    (e) =>
      isGritlocError(e, "E_PREDICTIONS_INVALID") &&
      /2 problems in the predictions to score \(1 duplicate, 1 missing\)/.test(e.message) &&
      e.message.includes(`missing prediction for example_id "${samples[0].exampleId}"`),
  );
});
