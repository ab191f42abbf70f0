import assert from "node:assert/strict";
import { test } from "node:test";
import { toGritScores } from "../../src/grit/scores.js";
import { formatScoresTable } from "../../src/grit/scores-table.js";
import { readFixtureJson } from "../support/fixtures.js";

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
