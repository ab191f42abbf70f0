import assert from "node:assert/strict";
import { test } from "node:test";
import { SERIES_COLORS } from "../../src/viz/figure.js";
import { HEADLINE_PARTITIONS, partitionFigure, partitionValues } from "../../src/viz/partition-figure.js";
import { scoreHistogramFigure } from "../../src/viz/score-histogram-figure.js";
import { readFixtureJson } from "../support/fixtures.js";

// Fixture: grit/runs/*/metrics.json, written by grit_official evaluate.py (values compared exactly: they are
// copied, not computed).
const run1 = readFixtureJson<Record<string, number>>("grit", "runs", "run1_mixed", "metrics.json");
const run2 = readFixtureJson<Record<string, number>>("grit", "runs", "run2_const05", "metrics.json");

type Bar = {
  name: string;
  x: string[];
  y: (number | null)[];
  error_y: { array: (number | null)[]; arrayminus: (number | null)[]; symmetric: boolean };
  customdata: unknown[][];
  marker: { color: string };
};

test("partitionValues reads mean, interval and count of the headline partitions (fixture run1_mixed)", () => {
  const values = partitionValues(run1);
  assert.deepEqual(
    values.map((v) => v.partition),
    ["agg", "sameSrc", "newSrc", "sameCpt", "newCpt", "dist", "undist", "deldist"],
  );
  const newCpt = values[4];
  assert.deepEqual(newCpt, {
    partition: "newCpt",
    mean: run1["acc.any.newCpt.loc.mean"],
    lower: run1["acc.any.newCpt.loc.lower"],
    upper: run1["acc.any.newCpt.loc.upper"],
    cnt: run1["acc.any.newCpt.loc.cnt"],
  });
  assert.equal(newCpt.cnt, 101);
  assert.equal(values[0].cnt, null, "agg has no cnt in evaluate.py's output");
});

test("partitionFigure: bars are the means, error bars reach exactly lower and upper, hover has N", () => {
  const fig = partitionFigure([{ name: "run1", metrics: run1 }]);
  const [bar] = fig.data as unknown as Bar[];
  assert.equal(fig.data.length, 1);
  assert.deepEqual(bar.x, [
    "agg",
    "sameSrc",
    "newSrc",
    "sameCpt",
    "newCpt<br>(zero-shot)",
    "dist",
    "undist",
    "deldist<br>(robustness)",
  ]);
  HEADLINE_PARTITIONS.forEach((p, i) => {
    const mean = run1[`acc.any.${p}.loc.mean`];
    assert.equal(bar.y[i], mean, p);
    assert.ok(Math.abs(mean + (bar.error_y.array[i] as number) - run1[`acc.any.${p}.loc.upper`]) < 1e-9, p);
    assert.ok(
      Math.abs(mean - (bar.error_y.arrayminus[i] as number) - run1[`acc.any.${p}.loc.lower`]) < 1e-9,
      p,
    );
  });
  assert.equal(bar.error_y.symmetric, false);
  assert.equal(bar.customdata[1][2], run1["acc.any.sameSrc.loc.cnt"]);
  assert.equal(bar.customdata[0][2], "–", "agg has no N");
  // Dotted separators between agg | Src | Cpt | dist families.
  assert.deepEqual(
    (fig.layout.shapes as { x0: number }[]).map((s) => s.x0),
    [0.5, 2.5, 4.5],
  );
});

test("partitionFigure: an interval past the possible range is drawn clipped, with a note and the bounds on hover", () => {
  const metrics = {
    "acc.any.newSrc.loc.mean": 60,
    "acc.any.newSrc.loc.lower": -12.5,
    "acc.any.newSrc.loc.upper": 132.5,
    "acc.any.newSrc.loc.cnt": 3,
    "acc.any.deldist.loc.mean": 29.5,
    "acc.any.deldist.loc.lower": -84.4,
    "acc.any.deldist.loc.upper": 143.39,
    "acc.any.deldist.loc.cnt": 4,
  };
  const fig = partitionFigure([{ name: "few", metrics }], { partitions: ["newSrc", "deldist"] });
  const [bar] = fig.data as unknown as Bar[];
  assert.deepEqual(bar.error_y.array, [40, 70.5], "upper ends at 100 for both");
  assert.deepEqual(
    bar.error_y.arrayminus,
    [60, 113.9],
    "lower ends at 0 (accuracy) and -84.4 (deldist, in range)",
  );
  assert.deepEqual(bar.customdata[0].slice(0, 3), [-12.5, 132.5, 3], "hover keeps the computed bounds");
  assert.match(String(bar.customdata[0][3]), /clipped/);
  const notes = (fig.layout.annotations as { text: string }[]).filter((a) => /possible range/.test(a.text));
  assert.equal(notes.length, 1);
  const inRange = partitionFigure([{ name: "run1", metrics: run1 }]);
  assert.equal(
    (inRange.layout.annotations as { text: string }[]).filter((a) => /possible range/.test(a.text)).length,
    0,
    "no note when every interval is inside the range",
  );
});

test("partitionFigure: two runs become two coloured series; another metric and a missing partition", () => {
  const fig = partitionFigure(
    [
      { name: "run1", metrics: run1 },
      { name: "run2", metrics: run2 },
    ],
    { metric: "rmse", partitions: ["agg", "newCpt", "deldist"] },
  );
  const bars = fig.data as unknown as Bar[];
  assert.deepEqual(
    bars.map((b) => [b.name, b.marker.color]),
    [
      ["run1", SERIES_COLORS[0]],
      ["run2", SERIES_COLORS[1]],
    ],
  );
  assert.equal(bars[1].y[1], run2["rmse.any.newCpt.loc.mean"]);
  // evaluate.py emits no rmse deldist: a gap, not a zero.
  assert.equal(bars[0].y[2], null);
  assert.equal(bars[0].error_y.array[2], null);
  assert.equal(fig.layout.showlegend, true);
});

test("partitionFigure: values sit beside each bar's centre (clear of its error bar); long titles wrap", () => {
  const fig = partitionFigure(
    [
      { name: "run1", metrics: run1 },
      { name: "run2", metrics: run2 },
    ],
    {
      metric: "rmse",
      partitions: ["agg", "newCpt", "deldist"],
      title: "word ".repeat(40).trim(),
      width: 400,
    },
  );
  type Label = { x: number; y: number; text: string; xanchor: string; xshift: number };
  const labels = fig.layout.annotations as Label[];
  // Two runs × three partitions, minus the missing rmse deldist of each run.
  assert.deepEqual(
    labels.map((l) => [l.x, l.text]),
    [
      [-0.2, run1["rmse.any.agg.loc.mean"].toFixed(1)],
      [0.8, run1["rmse.any.newCpt.loc.mean"].toFixed(1)],
      [0.2, run2["rmse.any.agg.loc.mean"].toFixed(1)],
      [1.2, run2["rmse.any.newCpt.loc.mean"].toFixed(1)],
    ],
  );
  for (const l of labels) assert.ok(l.xanchor === "left" && l.xshift > 0, "right of the bar's centre line");
  assert.equal(labels[0].y, run1["rmse.any.agg.loc.mean"]);
  const title = (fig.layout.title as { text: string }).text;
  const lines = title.split("<br>");
  assert.ok(lines.length > 1, "wrapped");
  for (const line of lines) assert.ok(line.length <= Math.floor((400 - 20) / 8.5), line);
  assert.equal(lines.join(" "), "word ".repeat(40).trim());
  assert.equal((fig.layout.margin as { t: number }).t, 40 + 20 * lines.length);
});

test("partitionFigure rejects metrics without any requested key, and an empty run list", () => {
  assert.throws(() => partitionFigure([{ name: "x", metrics: { foo: 1 } }]), {
    code: "E_INVALID_OPTION",
    message: /keys like "acc\.any\.agg\.loc\.mean" \(is this an evaluate\.py metrics file\?\)/,
  });
  assert.throws(() => partitionFigure([]), { message: /for runs/ });
});

test("scoreHistogramFigure: one histogram per series with 0.05 bins on [0, 1] and a dashed line at each mean", () => {
  const perSample = readFixtureJson<{ loc_metric: number }[]>(
    "grit",
    "runs",
    "run1_mixed",
    "per_sample.json",
  );
  const values = perSample.map((s) => s.loc_metric);
  const fig = scoreHistogramFigure([
    { name: "run1", values },
    { name: "const", values: [0.5, 0.5, 1] },
  ]);
  assert.equal(fig.data.length, 2);
  const [h1, h2] = fig.data as { type: string; name: string; x: number[]; xbins: { size: number } }[];
  assert.equal(h1.type, "histogram");
  assert.equal(h1.x.length, perSample.length);
  assert.equal(h1.xbins.size, 0.05);
  assert.equal(h2.name, "const (n=3, mean 0.667)");
  const means = (fig.layout.shapes as { x0: number; line: { dash: string } }[]).map((s) => s.x0);
  assert.ok(Math.abs(means[0] - values.reduce((a, b) => a + b, 0) / values.length) < 1e-12);
  assert.ok(Math.abs(means[1] - 2 / 3) < 1e-12);
  assert.equal(fig.layout.barmode, "overlay");
});

test("scoreHistogramFigure rejects non-finite values and names the entry", () => {
  assert.throws(() => scoreHistogramFigure([{ name: "a", values: [0.1, Number.NaN] }]), {
    message: "Expected a finite number for series[0].values[1] but received NaN of type number",
  });
  assert.throws(() => scoreHistogramFigure([{ name: "a", values: [] }], { binSize: 0 }), {
    message: /for binSize/,
  });
});
