import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { strToU8, zipSync } from "fflate";
import { main } from "../../src/cli/main.js";
import { apReport } from "../../src/grit/ap-report.js";
import { loadPredictions } from "../../src/grit/load-predictions.js";
import { loadSamples } from "../../src/grit/samples.js";
import { serializeSamples } from "../../src/grit/serialize-samples.js";
import { studentTQuantile } from "../../src/grit/t-quantile.js";
import { assertMetricsMatch, fixtureRuns } from "../grit/metrics-compare.js";
import { captureIo } from "../support/cli-io.js";
import { fixturePath, readFixtureJson } from "../support/fixtures.js";
import { peerNewSrcGroundTruth } from "../support/peer-ground-truth.js";

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

test("--allow-missing-partitions scores a full set that evaluate.py cannot (no distorted samples)", async () => {
  // Fixture: grit/runs/run1_mixed without its distorted samples; every source is still there.
  const run = "run1_mixed";
  const samples = join(tmp, "undistorted", "samples.json");
  mkdirSync(dirname(samples), { recursive: true });
  const all = readFixtureJson<{ meta: { is_distorted: boolean } }[]>("grit", "runs", run, "samples.json");
  writeFileSync(samples, JSON.stringify(all.filter((s) => !s.meta.is_distorted)));
  const args = runArgs(run);
  args[2] = samples;
  const strict = captureIo();
  assert.equal(await main([...args, "--json"], strict), 1);
  assert.match(
    strict.err.join(""),
    /The dist partition has fewer than 2 samples.*--allow-missing-partitions/s,
  );
  const io = captureIo();
  assert.equal(await main([...args, "--json", "--allow-missing-partitions"], io), 0);
  const metrics = JSON.parse(io.out.join(""));
  const expected = readFixtureJson<Record<string, number>>("grit", "runs", run, "metrics.json");
  // The undistorted samples alone give the same sameSrc/newSrc/agg keys (and hence overall).
  for (const key of Object.keys(expected).filter((k) => /\.(sameSrc|newSrc|agg)\.|^overall/.test(k))) {
    assert.equal(metrics[key], expected[key], key);
  }
  assert.deepEqual(
    Object.keys(metrics).filter((k) => /\.(dist|undist|deldist)\./.test(k)),
    [],
  );
  assert.equal(
    metrics.coverage,
    undefined,
    "a full ground truth without gt-report.json prints evaluate.py's object",
  );
});

test("the two GRIT examples (Open Images + NYUv2, no COCO) are a partial ground truth: nothing covered, no error", async () => {
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
  const io = captureIo();
  assert.equal(await main([...args, "--json"], io), 0, io.err.join(""));
  const out = JSON.parse(io.out.join(""));
  // Both are flagged sameSrc upstream, but sameSrc needs coco_loc; no sample is flagged newSrc.
  assert.equal(out["acc.any.sameSrc.loc.mean"], null);
  assert.equal(out["overall.mean"], null);
  assert.equal(out.params, 1);
  assert.deepEqual(out.coverage.sources, {
    covered: ["nyuv2_loc", "open_images_loc"],
    notCovered: ["coco_loc"],
  });
  assert.equal(out.coverage.partitions.sameSrc.reason, "needs coco_loc, which the ground truth lacks");
  assert.equal(out.coverage.partitions.newSrc.reason, "no sample in the ground truth");
  assert.equal(out.groundTruth.kind, "partial");
  const text = captureIo();
  assert.equal(await main(args, text), 0);
  assert.match(text.out.join(""), /^UNOFFICIAL, PARTIAL ground truth: .*It covers only no partition/);
  assert.match(text.out.join(""), /newSrc +– +not covered/);
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

test("a rebuilt ground truth (gt-report.json, no COCO): banner, not-covered rows, JSON nulls with coverage", async () => {
  // Fixture: grit/runs/run1_mixed without its coco_loc samples, beside a gt-report.json of kind "rebuilt".
  const run = "run1_mixed";
  const samples = join(tmp, "rebuilt", "localization.json");
  mkdirSync(dirname(samples), { recursive: true });
  const all = readFixtureJson<{ meta: { data_source: string } }[]>("grit", "runs", run, "samples.json");
  writeFileSync(samples, JSON.stringify(all.filter((s) => s.meta.data_source !== "coco_loc")));
  writeFileSync(join(dirname(samples), "gt-report.json"), JSON.stringify({ kind: "rebuilt" }));
  const args = runArgs(run);
  args[2] = samples;

  const text = captureIo();
  assert.equal(await main(args, text), 0, text.err.join(""));
  const out = text.out.join("");
  assert.match(out, /^UNOFFICIAL, REBUILT ground truth: rebuilt from public annotations, not GRIT's hidden/);
  assert.match(out, /\(UNOFFICIAL: rebuilt ground truth\)\n/);
  for (const row of [
    "agg",
    "sameSrc",
    "newCpt \\(zero-shot\\)",
    "deldist \\(robustness\\)",
    "overall \\(7-task avg\\)",
  ]) {
    assert.match(out, new RegExp(`\\n  ${row} +– +not covered`), row);
  }
  assert.match(out, /\n {2}newSrc +\d+\.\d\d {2}\[/);
  assert.match(out, /\n {2}newCpt@newSrc \(0-shot\) +\d+\.\d\d {2}\[/);
  assert.match(
    out,
    /coverage: samples from construction_loc, nyuv2_loc, open_images_loc; not covered: coco_loc/,
  );

  const json = captureIo();
  assert.equal(await main([...args, "--json"], json), 0);
  const report = JSON.parse(json.out.join(""));
  assert.deepEqual(
    { kind: report.groundTruth.kind, official: report.groundTruth.official },
    { kind: "rebuilt", official: false },
  );
  assert.match(report.groundTruth.notice, /^UNOFFICIAL, REBUILT/);
  assert.equal(report.groundTruth.report, join(dirname(samples), "gt-report.json"));
  assert.equal(report.coverage.within, "newSrc");
  assert.equal(report.coverage.partitions.newSrc.covered, true);
  for (const key of [
    "acc.any.agg.loc.mean",
    "overall.mean",
    "acc.any.sameSrc.loc.cnt",
    "acc.any.newCpt.loc.mean",
  ]) {
    assert.equal(report[key], null, key);
  }
  // The covered numbers are the official ones of the full run: newSrc holds no COCO sample.
  const expected = readFixtureJson<Record<string, number>>("grit", "runs", run, "metrics.json");
  for (const key of Object.keys(expected).filter((k) => /^[a-z]+\.any\.newSrc\.loc\./.test(k))) {
    assert.equal(report[key], expected[key], key);
  }
});

test("--ap prints COCO-style AP in percent, in the table and as json.ap", async () => {
  // Fixture: grit/runs/run1_mixed; values are apReport's fractions ×100 (test/grit/ap-report.test.ts checks
  // apReport by hand).
  const run = "run1_mixed";
  const samples = await loadSamples(fixturePath("grit", "runs", run, "samples.json"));
  const predictions = await loadPredictions(
    fixturePath("grit", "runs", run, "ablation", "localization.json"),
  );
  const expected = apReport({ samples, predictions: predictions.entries });
  const json = captureIo();
  assert.equal(await main([...runArgs(run), "--json", "--ap"], json), 0);
  const report = JSON.parse(json.out.join(""));
  assert.equal(report.ap.unit, "percent");
  assert.ok(Math.abs(report.ap.overall.ap - 100 * expected.overall.ap!) < 1e-9);
  assert.ok(Math.abs(report.ap.partitions.newCpt.ap50 - 100 * expected.partitions.newCpt!.ap50!) < 1e-9);
  assert.ok(Math.abs(report.ap.agg.ap75 - 100 * expected.agg!.ap75) < 1e-9);
  assert.equal(
    report["acc.any.agg.loc.mean"],
    readFixtureJson<Record<string, number>>("grit", "runs", run, "metrics.json")["acc.any.agg.loc.mean"],
  );
  assert.equal(report.coverage, undefined);

  const text = captureIo();
  assert.equal(await main([...runArgs(run), "--ap"], text), 0);
  const out = text.out.join("");
  assert.match(out, /COCO-style AP \(%\): each box carries its sample's one confidence/);
  const o = expected.overall;
  assert.match(
    out,
    new RegExp(
      `\\n  all samples +${(100 * o.ap!).toFixed(2)} +${(100 * o.ap50!).toFixed(2)} +${(100 * o.ap75!).toFixed(2)} +${o.numSamples} +${o.numGtBoxes}\\n`,
    ),
  );
});

test("the 21,078-prediction peer submission against a synthetic newSrc-only ground truth, end to end", async () => {
  // Fixture: peer/adapting-clip-ablation-localization.json; ground truth drawn from its Open Images + NYUv2 ids
  // with a seeded generator (test/support/peer-ground-truth.ts). Timing lives in bench/score-partial.ts.
  const peer = fixturePath("peer", "adapting-clip-ablation-localization.json");
  const groundTruth = peerNewSrcGroundTruth((await loadPredictions(peer)).entries);
  const samples = join(tmp, "peer-gt", "localization.json");
  mkdirSync(dirname(samples), { recursive: true });
  writeFileSync(samples, serializeSamples(groundTruth));
  writeFileSync(join(dirname(samples), "gt-report.json"), JSON.stringify({ kind: "rebuilt" }));
  const io = captureIo();
  assert.equal(await main(["score", "--samples", samples, "--predictions", peer, "--json", "--ap"], io), 0);
  assert.match(io.err.join(""), /ignoring 3885 predictions whose example_id is not in the samples/);
  const report = JSON.parse(io.out.join(""));
  const covered = Object.entries(report.coverage.partitions as Record<string, { covered: boolean }>);
  assert.deepEqual(
    covered
      .filter(([, c]) => c.covered)
      .map(([p]) => p)
      .sort(),
    ["newCpt@newSrc", "newSrc", "sameCpt@newSrc"],
  );
  assert.deepEqual(report.coverage.sources, {
    covered: ["nyuv2_loc", "open_images_loc"],
    notCovered: ["coco_loc"],
  });
  assert.equal(report["acc.any.newSrc.loc.cnt"], 17193);
  assert.equal(report["acc.any.newCpt@newSrc.loc.cnt"] + report["acc.any.sameCpt@newSrc.loc.cnt"], 17193);
  assert.equal(report.params, 428);
  for (const key of [
    "acc.any.agg.loc.mean",
    "overall.mean",
    "acc.any.sameSrc.loc.mean",
    "acc.any.dist.loc.mean",
  ]) {
    assert.equal(report[key], null, key);
  }
  assert.equal(report.ap.overall, null);
  assert.equal(report.ap.agg, null);
  assert.ok(report.ap.partitions.newSrc.ap > 0 && report.ap.partitions.newSrc.ap < 100);
  const numbers = Object.entries(report).filter(([, v]) => typeof v === "number");
  assert.ok(numbers.length > 50);
  assert.ok(numbers.every(([, v]) => Number.isFinite(v)));
});

test("a gt-report.json with an unknown kind beside the samples: exit 1 naming it", async () => {
  const samples = join(tmp, "odd-report", "samples.json");
  mkdirSync(dirname(samples), { recursive: true });
  writeFileSync(samples, readFileSync(fixturePath("grit", "runs", "run1_mixed", "samples.json")));
  writeFileSync(join(dirname(samples), "gt-report.json"), '{"kind": "official"}');
  const args = runArgs("run1_mixed");
  args[2] = samples;
  const io = captureIo();
  assert.equal(await main(args, io), 1);
  assert.match(
    io.err.join(""),
    /error \[E_SAMPLES_INVALID\]: .*odd-report[/\\]gt-report\.json: expected an object with "kind"/,
  );
});

test("a proxy ground truth with every source: evaluate.py's numbers, labelled proxy, the rest null", async () => {
  // Fixture: grit/runs/run2_const05 (every source, distorted twins) beside a gt-report.json of kind "proxy".
  const run = "run2_const05";
  const samples = join(tmp, "proxy", "localization.json");
  mkdirSync(dirname(samples), { recursive: true });
  writeFileSync(samples, readFileSync(fixturePath("grit", "runs", run, "samples.json")));
  writeFileSync(join(dirname(samples), "gt-report.json"), JSON.stringify({ kind: "proxy", seed: 0 }));
  const args = runArgs(run);
  args[2] = samples;
  const io = captureIo();
  assert.equal(await main([...args, "--json"], io), 0);
  const report = JSON.parse(io.out.join(""));
  const expected = readFixtureJson<Record<string, number>>("grit", "runs", run, "metrics.json");
  // JSON writes -0 as 0 (deldist keys), so compare with ===.
  for (const [key, value] of Object.entries(expected)) assert.ok(report[key] === value, key);
  const extra = Object.keys(report).filter(
    (k) => !(k in expected) && k !== "groundTruth" && k !== "coverage",
  );
  assert.ok(extra.length > 0, "groups without an agg score are listed");
  assert.ok(
    extra.every((k) => report[k] === null && /^acc\.[a-z_]+\.agg\.loc\./.test(k)),
    extra.join(", "),
  );
  assert.equal(report.groundTruth.kind, "proxy");
  assert.equal(report.coverage.full, true);
  const text = captureIo();
  assert.equal(await main(args, text), 0);
  assert.match(
    text.out.join(""),
    /^UNOFFICIAL, PROXY ground truth: .*\(proxy, not comparable to leaderboard numbers\)\.\n/,
  );
  assert.match(text.out.join(""), /\n {2}agg +\d+\.\d\d {2}\[/);
});
