import assert from "node:assert/strict";
import { test } from "node:test";
import { groundTruthCoverage } from "../../src/grit/coverage.js";
import { evaluateCoveredLocalization } from "../../src/grit/covered-metrics.js";
import { loadPredictions } from "../../src/grit/load-predictions.js";
import { loadSamples } from "../../src/grit/samples.js";
import { toGritScores } from "../../src/grit/scores.js";
import { formatScoresTable } from "../../src/grit/scores-table.js";
import { fixturePath, readFixtureJson } from "../support/fixtures.js";

// Fixture: grit/runs/run1_mixed/metrics.json and run_info.json (groups_with_agg).
const metrics = readFixtureJson<Record<string, number>>("grit", "runs", "run1_mixed", "metrics.json");
const info = readFixtureJson<{ groups_with_agg: string[] }>("grit", "runs", "run1_mixed", "run_info.json");

test("toGritScores structures the flat metrics by measure and partition", () => {
  const scores = toGritScores(metrics);
  assert.deepEqual(scores.loc.acc.newCpt, {
    mean: metrics["acc.any.newCpt.loc.mean"],
    lower: metrics["acc.any.newCpt.loc.lower"],
    upper: metrics["acc.any.newCpt.loc.upper"],
    cnt: metrics["acc.any.newCpt.loc.cnt"],
  });
  assert.equal(scores.loc.acc.agg?.cnt, null, "agg has no count");
  assert.equal(scores.loc.rmse.deldist, undefined, "rmse has no deldist");
  assert.equal(scores.all.sa.undist?.mean, metrics["sa.any.undist.all.mean"]);
  assert.deepEqual(scores.overall, {
    mean: metrics["overall.mean"],
    lower: metrics["overall.lower"],
    upper: metrics["overall.upper"],
    cnt: null,
  });
  assert.equal(scores.params, 150);
  assert.deepEqual(Object.keys(scores.groups).sort(), [...info.groups_with_agg].sort());
});

test("formatScoresTable shows a row per headline partition, overall and params", () => {
  const text = formatScoresTable(toGritScores(metrics), "title");
  const lines = text.trimEnd().split("\n");
  assert.equal(lines[0], "title");
  assert.deepEqual(
    lines.slice(2, 8).map((l) => l.trim().split(/\s{2,}/)[0]),
    ["agg", "sameSrc", "newSrc", "newCpt (zero-shot)", "deldist (robustness)", "overall (7-task avg)"],
  );
  assert.match(lines[8], /params: 150M; concept groups with an agg score: 13;/);
  const missing = formatScoresTable(toGritScores({ params: 1 }));
  assert.match(missing, /agg\s+–\s+\(fewer than 2 samples\)/);
});

test("formatScoresTable marks an interval that reaches past the possible range and explains it", () => {
  const few = {
    ...metrics,
    "acc.any.deldist.loc.mean": 29.5,
    "acc.any.deldist.loc.lower": -84.4,
    "acc.any.deldist.loc.upper": 143.39,
    "acc.any.newSrc.loc.lower": -2,
  };
  const lines = formatScoresTable(toGritScores(few)).split("\n");
  assert.match(lines.find((l) => l.includes("deldist")) ?? "", /\[-84\.40, 143\.39\]\*/);
  assert.match(lines.find((l) => l.includes("newSrc")) ?? "", /\[-2\.00, [\d.]+\]\*/);
  assert.doesNotMatch(lines.find((l) => l.includes("sameSrc")) ?? "", /\*/);
  assert.ok(lines.some((l) => /^ {2}\* the 95% t-interval reaches past what the score can be/.test(l)));
  assert.doesNotMatch(
    formatScoresTable(toGritScores(metrics)),
    /\* the 95%/,
    "no note when all are in range",
  );
});

test("formatScoresTable with a partial coverage: not-covered rows, and sameCpt/newCpt within the covered source", async () => {
  // Fixture: grit/runs/run1_mixed without coco_loc (samples, predictions).
  const dir = (...p: string[]) => fixturePath("grit", "runs", "run1_mixed", ...p);
  const samples = (await loadSamples(dir("samples.json"))).filter((s) => s.meta!.dataSource !== "coco_loc");
  const predictions = (await loadPredictions(dir("ablation", "localization.json"))).entries;
  const coverage = groundTruthCoverage(samples);
  const metrics = evaluateCoveredLocalization({ samples, predictions, paramsInMillions: 1 }, coverage);
  const scores = toGritScores(metrics);
  assert.equal(scores.loc.acc["newCpt@newSrc"]?.mean, metrics["acc.any.newCpt@newSrc.loc.mean"]);
  const lines = formatScoresTable(scores, "title", { coverage }).trimEnd().split("\n");
  assert.deepEqual(
    lines.slice(2, 10).map((l) => l.trim().split(/\s{2,}/)),
    [
      ["agg", "–", "not covered"],
      ["sameSrc", "–", "not covered"],
      ["newSrc", metrics["acc.any.newSrc.loc.mean"].toFixed(2), ...interval(metrics, "newSrc")],
      [
        "sameCpt@newSrc",
        metrics["acc.any.sameCpt@newSrc.loc.mean"].toFixed(2),
        ...interval(metrics, "sameCpt@newSrc"),
      ],
      [
        "newCpt@newSrc (0-shot)",
        metrics["acc.any.newCpt@newSrc.loc.mean"].toFixed(2),
        ...interval(metrics, "newCpt@newSrc"),
      ],
      ["newCpt (zero-shot)", "–", "not covered"],
      ["deldist (robustness)", "–", "not covered"],
      ["overall (7-task avg)", "–", "not covered"],
    ],
  );
  assert.match(lines[10], /X@newSrc: partition X within newSrc only/);
});

/** "[lower, upper]" and the count of a partition, as the table prints them. */
function interval(metrics: Record<string, number>, partition: string): string[] {
  const p = `acc.any.${partition}.loc`;
  return [
    `[${metrics[`${p}.lower`].toFixed(2)}, ${metrics[`${p}.upper`].toFixed(2)}]`,
    String(metrics[`${p}.cnt`]),
  ];
}
