import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { strToU8, zipSync } from "fflate";
import { main } from "../../src/cli/main.js";
import { studentTQuantile } from "../../src/grit/t-quantile.js";
import { assertMetricsMatch, fixtureRuns } from "../grit/metrics-compare.js";
import { captureIo } from "../support/cli-io.js";
import { fixturePath, readFixtureJson } from "../support/fixtures.js";

const t975 = (df: number) => studentTQuantile(0.975, df);
const tmp = mkdtempSync(join(tmpdir(), "gritloc-score-cli-"));

function runArgs(run: string, predictions?: string): string[] {
  const dir = (...p: string[]) => fixturePath("grit", "runs", run, ...p);
  return [
    "score",
    "--samples",
    dir("samples.json"),
    "--predictions",
    predictions ?? dir("ablation", "localization.json"),
    "--lemma2groups",
    dir("lemma2groups.json"),
  ];
}

for (const run of fixtureRuns()) {
  // Fixtures: grit/runs/<run>/metrics.json and metrics_unrounded.json, tolerances as in test/grit/metric.test.ts.
  test(`gritloc score --json reproduces ${run}/metrics.json, and --no-round metrics_unrounded.json`, async () => {
    const io = captureIo();
    assert.equal(await main([...runArgs(run), "--json"], io), 0, io.err.join(""));
    const expected = readFixtureJson<Record<string, number>>("grit", "runs", run, "metrics.json");
    assertMetricsMatch(JSON.parse(io.out.join("")), expected, {
      atol: 1e-4 + 1e-9,
      what: `${run} CLI`,
      studentT: t975,
    });
    assert.match(io.err.join(""), /warn: ignoring 3 predictions whose example_id is not in the samples/);

    const raw = captureIo();
    assert.equal(await main([...runArgs(run), "--json", "--no-round"], raw), 0);
    const unrounded = readFixtureJson<Record<string, number>>("grit", "runs", run, "metrics_unrounded.json");
    assertMetricsMatch(JSON.parse(raw.out.join("")), unrounded, {
      atol: 1e-9,
      what: `${run} CLI unrounded`,
      studentT: t975,
    });
  });
}

test("gritloc score reads a submission zip and its params.json", async () => {
  const run = fixtureRuns()[0];
  const zip = join(tmp, "ablation.zip");
  const dir = (...p: string[]) => fixturePath("grit", "runs", run, ...p);
  writeFileSync(
    zip,
    zipSync({
      "ablation/localization.json": strToU8(readFileSync(dir("ablation", "localization.json"), "utf8")),
      "ablation/params.json": strToU8(readFileSync(dir("ablation", "params.json"), "utf8")),
    }),
  );
  const io = captureIo();
  assert.equal(await main([...runArgs(run, zip), "--json"], io), 0, io.err.join(""));
  const expected = readFixtureJson<Record<string, number>>("grit", "runs", run, "metrics.json");
  assertMetricsMatch(JSON.parse(io.out.join("")), expected, {
    atol: 1e-4 + 1e-9,
    what: "zip",
    studentT: t975,
  });
});

test("the default output is a headline table with intervals and counts", async () => {
  const run = "run1_mixed";
  const io = captureIo();
  assert.equal(await main(runArgs(run), io), 0);
  const text = io.out.join("");
  const m = readFixtureJson<Record<string, number>>("grit", "runs", run, "metrics.json");
  for (const [label, key] of [
    ["agg", "agg"],
    ["sameSrc", "sameSrc"],
    ["newSrc", "newSrc"],
    ["newCpt (zero-shot)", "newCpt"],
    ["deldist (robustness)", "deldist"],
  ]) {
    const p = `acc.any.${key}.loc`;
    const cnt = m[`${p}.cnt`] === undefined ? "–" : String(m[`${p}.cnt`]);
    const line = text.split("\n").find((l) => l.trimStart().startsWith(`${label} `));
    assert.ok(line, `row ${label} in\n${text}`);
    assert.deepEqual(
      line.slice(26).trim().split(/\s+/),
      [m[`${p}.mean`].toFixed(2), `[${m[`${p}.lower`].toFixed(2)},`, `${m[`${p}.upper`].toFixed(2)}]`, cnt],
      label,
    );
  }
  assert.match(text, /overall \(7-task avg\)\s+6\.88\s+\[6\.28, 7\.49\]/);
  assert.match(text, /params: 150M/);
});

test("--params-millions overrides params.json", async () => {
  const io = captureIo();
  assert.equal(await main([...runArgs("run1_mixed"), "--json", "--params-millions", "7.5"], io), 0);
  assert.equal(JSON.parse(io.out.join("")).params, 7);
});

test("samples without ground truth: exit 1 saying it is hidden and where the leaderboard is", async () => {
  const samples = join(tmp, "public.json");
  writeFileSync(
    samples,
    JSON.stringify([
      {
        example_id: "a",
        image_id: "a.jpg",
        task_name: "localization",
        task_query: "dog",
        task_bbox: null,
        output_options: null,
      },
    ]),
  );
  const preds = join(tmp, "preds.json");
  writeFileSync(preds, JSON.stringify([{ example_id: "a", confidence: 0.5, bboxes: [] }]));
  const io = captureIo();
  assert.equal(
    await main(["score", "--samples", samples, "--predictions", preds, "--params-millions", "1"], io),
    1,
  );
  const err = io.err.join("");
  assert.match(err, /error \[E_SAMPLES_INVALID\]: 1 of 1 samples have no ground truth/);
  assert.match(err, /ground truth is hidden/);
  assert.match(err, /leaderboard\.allenai\.org\/grit-ablation-restricted/);
  assert.match(err, /gritloc submit/);
});

test("--allow-missing-partitions scores a set that evaluate.py cannot (the two GRIT examples)", async () => {
  const preds = join(tmp, "examples.json");
  writeFileSync(
    preds,
    JSON.stringify([
      { example_id: "example-localization_0", confidence: 0.5, bboxes: [[414, 263, 484, 308]] },
      { example_id: "example-localization_1", confidence: 0.5, bboxes: [] },
    ]),
  );
  const args = [
    "score",
    "--samples",
    fixturePath("grit", "examples", "samples.json"),
    "--predictions",
    preds,
    "--params-millions",
    "1",
  ];
  const strict = captureIo();
  assert.equal(await main([...args, "--json"], strict), 1);
  assert.match(
    strict.err.join(""),
    /The newSrc partition has fewer than 2 samples.*--allow-missing-partitions/s,
  );
  const partial = captureIo();
  assert.equal(await main([...args, "--json", "--allow-missing-partitions"], partial), 0);
  const metrics = JSON.parse(partial.out.join(""));
  assert.equal(metrics["acc.any.sameSrc.loc.cnt"], 2);
  assert.equal(metrics["acc.any.sameSrc.loc.mean"], 50); // (1 + 0) / 2 × 100, rounded
  assert.equal(metrics["overall.mean"], undefined);
});

test("a bare localization.json scores without a parameter count (only submit needs one)", async () => {
  const preds = join(tmp, "no-params.json");
  writeFileSync(
    preds,
    readFileSync(fixturePath("grit", "runs", "run1_mixed", "ablation", "localization.json")),
  );
  const io = captureIo();
  const args = [
    "score",
    "--samples",
    fixturePath("grit", "runs", "run1_mixed", "samples.json"),
    "--predictions",
    preds,
  ];
  assert.equal(await main(args, io), 0, io.err.join(""));
  assert.match(io.out.join(""), /params: not given;/);
  const json = captureIo();
  assert.equal(await main([...args, "--json"], json), 0);
  const metrics = JSON.parse(json.out.join(""));
  assert.equal(metrics.params, undefined);
  assert.equal(typeof metrics["overall.mean"], "number");
});

test("missing flags and stray arguments are usage errors", async () => {
  const io = captureIo();
  assert.equal(await main(["score", "--predictions", "p.json"], io), 2);
  assert.match(io.err.join(""), /--samples is required\. /);
  const stray = captureIo();
  assert.equal(await main(["score", "extra"], stray), 2);
  assert.match(stray.err.join(""), /unexpected argument "extra": this command takes flags only/);
});

test("score counts an inverted box once and warns about boxes outside the image, scoring both as given", async () => {
  const preds = join(tmp, "edge-boxes.json");
  writeFileSync(
    preds,
    JSON.stringify([
      { example_id: "example-localization_0", confidence: 0.5, bboxes: [[484, 308, 414, 263]] },
      { example_id: "example-localization_1", confidence: 0.5, bboxes: [[-10, 560, 881, 800]] },
    ]),
  );
  const io = captureIo();
  const args = [
    "score",
    "--samples",
    fixturePath("grit", "examples", "samples.json"),
    "--predictions",
    preds,
  ];
  assert.equal(await main([...args, "--allow-missing-partitions", "--json"], io), 0, io.err.join(""));
  const err = io.err.join("");
  assert.match(
    err,
    /^warn: 1 box has x2 < x1 or y2 < y1; it scores IoU 0 \(a submission zip would reject them\)$/m,
  );
  assert.match(
    err,
    /^warn: 1 box lies partly outside its image, e\.g\. entry 1 .*bboxes\[0\] \[-10,560,881,800\] has x1 < 0 and y2 > 767 \(the image height\)\. GRIT's scorer \(metrics\/localization\.py\) accepts them/m,
  );
});
