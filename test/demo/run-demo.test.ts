/**
 * runDemo with the smoke model on small mini sets: the whole job (two workers from both ends with an
 * on-purpose interruption, merge, zip, score, pictures, report), events in order, the chromium-missing path
 * (everything but the PNGs, with the install hint), and option errors. The real default set runs in
 * test/cli/demo.test.ts.
 */
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { DemoEvent } from "../../src/demo/demo-events.js";
import { runDemo } from "../../src/demo/run-demo.js";
import {
  checkInterruption,
  checkMetrics,
  checkPng,
  checkSubmission,
  demoFiles,
} from "./support/check-demo-outputs.js";

const tmp = await mkdtemp(join(tmpdir(), "gritloc-demo-"));
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const SMOKE = { family: "smoke", options: { nSegments: [60, 120] } } as const;

test("runDemo on 12 scenes does the whole job: valid zip, official metric keys, PNGs, interruption, no duplicates", async () => {
  const events: DemoEvent[] = [];
  const result = await runDemo({
    out: join(tmp, "full"),
    scenes: 12,
    model: SMOKE,
    runtime: { provider: "cpu" },
    // Late enough that the tail worker has results by then (the journals must show both ends working at once).
    interruptAfter: 6,
    onEvent: (e) => events.push(e),
  });
  assert.equal(result.mini.counts.samples, 21);
  assert.equal(result.model.isSmoke, true);
  await checkSubmission(demoFiles(result));
  await checkMetrics(demoFiles(result), result.metrics);
  await checkInterruption(result);
  await checkPng(result.pictures.gridPng!, 100_000);
  await checkPng(result.pictures.partitionsPng!, 10_000);
  assert.equal(result.pictures.pngSkipped, null);
  const report = await readFile(result.pictures.reportPath, "utf8");
  assert.match(report, /RANDOM weights: its boxes and scores are meaningless/);
  assert.match(report, /was stopped on purpose after \d+ samples/);
  assert.ok(report.length > 1_000_000, "plotly.js is inlined");

  const steps = events.filter((e) => e.type === "step").map((e) => e.step);
  assert.deepEqual(steps, ["build", "model", "infer", "merge", "score", "groundtruth", "pictures"]);
  // gt build on the mini set's Open Images-format CSVs and labelled .mat gives back the drawn boxes.
  const gt = result.groundTruth;
  assert.deepEqual(gt.disagreeing, []);
  assert.equal(gt.agreeing, gt.build.records.length);
  assert.equal(gt.build.records.length, gt.sources.openImagesSamples + gt.sources.nyuv2Samples);
  assert.ok(gt.sources.openImagesSamples > 0 && gt.sources.nyuv2Samples > 0, "both sources are covered");
  assert.equal(gt.build.report.totals.unresolved, 0);
  const kinds = events.map((e) => e.type);
  assert.ok(kinds.indexOf("interrupt") < kinds.indexOf("resume"));
  assert.ok(events.some((e) => e.type === "warning" && /RANDOM weights/.test(e.message)));
  const workers = new Set(events.flatMap((e) => (e.type === "infer" ? [e.worker] : [])));
  assert.deepEqual([...workers].sort(), ["head", "head-resumed", "tail"]);

  // A second demo into the same folder starts a fresh run folder: resuming the old one would fail, since the
  // samples file changed (E_JOURNAL_MISMATCH).
  const again = await runDemo({
    out: join(tmp, "full"),
    scenes: 8,
    model: SMOKE,
    png: false,
    runtime: { provider: "cpu" },
  });
  assert.equal(again.merge.predicted, again.mini.counts.samples);
  assert.equal(again.pictures.pngSkipped, "PNG output was turned off");
});

test("without chromium the demo still writes the zip, metrics and report.html, and says how to get the PNGs", async () => {
  const events: DemoEvent[] = [];
  const result = await runDemo({
    out: join(tmp, "nochromium"),
    scenes: 8,
    model: SMOKE,
    runtime: { provider: "cpu" },
    chromiumPath: join(tmp, "no-such-chromium"),
    onEvent: (e) => events.push(e),
  });
  assert.equal(result.pictures.gridPng, null);
  assert.equal(result.pictures.partitionsPng, null);
  assert.match(result.pictures.pngSkipped!, /apt-get install chromium/);
  assert.ok(
    events.some((e) => e.type === "warning" && /PNGs skipped: .*apt-get install chromium/.test(e.message)),
  );
  await assert.rejects(stat(join(tmp, "nochromium", "grid.png")), { code: "ENOENT" });
  await checkSubmission(demoFiles(result));
  await checkMetrics(demoFiles(result), result.metrics);
  assert.match(await readFile(result.pictures.reportPath, "utf8"), /Plotly/);
});

test("bad options fail before any work, naming the option; a foreign folder at <out>/run is never deleted", async () => {
  await assert.rejects(runDemo({ out: "" }), { code: "E_INVALID_OPTION", message: /for out/ });
  await assert.rejects(runDemo({ out: join(tmp, "o"), threads: 0 }), {
    code: "E_INVALID_OPTION",
    message: /Expected an integer ≥ 1 for threads but received 0/,
  });
  await assert.rejects(runDemo({ out: join(tmp, "o"), interruptAfter: -2 }), {
    code: "E_INVALID_OPTION",
    message: /for interruptAfter/,
  });
  const file = join(tmp, "a-file");
  await writeFile(file, "x");
  await assert.rejects(runDemo({ out: file }), {
    code: "E_INVALID_OPTION",
    message: /a folder \(not a file\)/,
  });
  const foreign = join(tmp, "foreign");
  await mkdir(join(foreign, "run"), { recursive: true });
  await writeFile(join(foreign, "run", "precious.txt"), "keep me");
  await assert.rejects(runDemo({ out: foreign, scenes: 8, model: SMOKE, runtime: { provider: "cpu" } }), {
    code: "E_INVALID_OPTION",
    message: /is not a gritloc run folder, so the demo will not replace it/,
  });
  assert.equal(await readFile(join(foreign, "run", "precious.txt"), "utf8"), "keep me");
});
