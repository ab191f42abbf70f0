/**
 * `gritloc demo` through the CLI dispatcher: the real default (40 scenes, smoke model, PNGs) with its summary,
 * and the flag → options mapping (model flags as in `gritloc infer`, fetched-model defaults, errors).
 */
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { demoOptions } from "../../src/cli/demo.js";
import { main } from "../../src/cli/main.js";
import { writeSmokeModel } from "../../src/models/smoke/write-smoke-model.js";
import { checkMetrics, checkPng, checkSubmission } from "../demo/support/check-demo-outputs.js";
import { writeOwlVitCheckpoint } from "../models/owlvit/support/owlvit-fixture.js";
import { captureIo } from "../support/cli-io.js";
import { fixturePath } from "../support/fixtures.js";

const tmp = await mkdtemp(join(tmpdir(), "gritloc-demo-cli-"));
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

test("gritloc demo (the default: 40 scenes, smoke model) completes, says the scores are meaningless, lists every file", async () => {
  const out = join(tmp, "default");
  const io = captureIo();
  assert.equal(await main(["demo", "--out", out], io), 0, io.err.join(""));
  const stdout = io.out.join("");
  const stderr = io.err.join("");
  assert.match(stdout, /Mini GRIT set: 40 scenes, 52 images, 71 samples \(12 distorted twins, 10 asking/);
  assert.match(stdout, /RANDOM weights: the boxes and scores below are MEANINGLESS/);
  assert.match(stdout, /gritloc models fetch clip-vit-l14 {3}then {3}gritloc demo --model slicvit/);
  assert.match(stdout, /head INTERRUPTED on purpose after \d+ samples, resumed as worker/);
  assert.match(stdout, /merge: 71\/71 samples from 3 journals, one prediction each/);
  assert.match(stdout, /newCpt \(zero-shot\)/);
  assert.match(stdout, /concept groups with an agg score: 4/);
  assert.match(stderr, /\[demo\] INTERRUPTED the head worker on purpose/);
  assert.match(stderr, /\[demo\] RESUMED the head end as worker/);
  for (const name of [
    "localization.json",
    "ablation.zip",
    "metrics.json",
    "grid.png",
    "partitions.png",
    "report.html",
  ]) {
    assert.ok(stdout.includes(join(out, name)), `summary names ${name}`);
  }
  // The same checks as the library test, on the files the CLI wrote.
  const files = {
    samplesPath: join(out, "mini-grit", "samples", "ablation", "localization.json"),
    zipPath: join(out, "ablation.zip"),
    localizationPath: join(out, "localization.json"),
    metricsPath: join(out, "metrics.json"),
  };
  await checkSubmission(files);
  const metrics = await checkMetrics(files);
  assert.equal(Object.keys(metrics).filter((k) => /^acc\.(?!any\.)\w+\.agg\.loc\.mean$/.test(k)).length, 4);
  await checkPng(join(out, "grid.png"), 100_000);
  await checkPng(join(out, "partitions.png"), 10_000);
});

test("--model slicvit runs the SLICViT family through the same demo (here on the random CLIP file, as no weights can be downloaded)", async () => {
  const dir = join(tmp, "slicvit-files");
  const { weights, config } = writeSmokeModel(dir, 0);
  const io = captureIo();
  const argv = ["demo", "--out", join(tmp, "slicvit"), "--scenes", "8", "--no-png", "--model", "slicvit"];
  argv.push(
    "--weights",
    weights,
    "--config",
    config,
    "--vocab",
    fixturePath("clip", "bpe_simple_vocab_16e6.txt.gz"),
  );
  argv.push("--n-segments", "60,120", "--provider", "cpu", "--cache-dir", join(tmp, "graphs"));
  assert.equal(await main(argv, io), 0, io.err.join(""));
  const stdout = io.out.join("");
  assert.match(stdout, /Model: slicvit\/smoke-clip-seed0 on cpu/);
  assert.doesNotMatch(stdout, /MEANINGLESS/, "only the smoke family is labelled random by the demo");
  assert.match(stdout, /merge: 14\/14 samples from 3 journals/);
  assert.match(stdout, /grid, chart {4}not written: PNG output was turned off/);
});

test("--model owlvit runs OWL-ViT through the same demo (the tiny seeded fixture model)", async () => {
  const dir = join(tmp, "owlvit-files");
  await mkdir(dir, { recursive: true });
  const files = writeOwlVitCheckpoint("owlvit", dir);
  const io = captureIo();
  const argv = ["demo", "--out", join(tmp, "owlvit"), "--scenes", "8", "--no-png", "--model", "owlvit"];
  argv.push("--weights", files.weights, "--config", files.config, "--vocab", files.vocab);
  argv.push("--preprocessor-config", fixturePath("owlvit", "preprocessor_config.json"));
  argv.push("--provider", "cpu", "--cache-dir", join(tmp, "graphs"));
  assert.equal(await main(argv, io), 0, io.err.join(""));
  const stdout = io.out.join("");
  assert.match(stdout, /Model: owlvit\//);
  assert.match(stdout, /merge: 14\/14 samples from 3 journals/);
});

test("demo flags map to runDemo options; --model smoke is the default and takes infer's SLICViT flags", async () => {
  const options = await demoOptions([
    "--out",
    "o",
    "--scenes",
    "12",
    "--interrupt-after",
    "3",
    "--threads",
    "2",
    "--no-png",
    "--seed",
    "5",
    "--alpha",
    "0.5",
    "--n-segments",
    "100, 200",
    "--option",
    "temperature=0.05",
    "--provider",
    "cpu",
    "--model-threads",
    "1",
  ]);
  assert.deepEqual(options, {
    out: "o",
    scenes: 12,
    interruptAfter: 3,
    threads: 2,
    png: false,
    model: { family: "smoke", seed: 5, options: { temperature: 0.05, alpha: 0.5, nSegments: [100, 200] } },
    runtime: { provider: "cpu", threads: 1 },
  });
  assert.deepEqual((await demoOptions([])).out, "gritloc-demo");
  const slicvit = await demoOptions([
    "--model",
    "slicvit",
    "--weights",
    "w.safetensors",
    "--vocab",
    "v.txt.gz",
  ]);
  assert.deepEqual(slicvit.model, {
    family: "slicvit",
    weights: "w.safetensors",
    vocab: "v.txt.gz",
    options: {},
  });
  const owlvit = await demoOptions(["--model", "owlvit", "--weights", "w", "--config", "c", "--vocab", "v"]);
  assert.deepEqual(owlvit.model, { family: "owlvit", weights: "w", config: "c", vocab: "v", options: {} });
});

test("--model slicvit/owlvit without --weights use the fetched files, or say how to fetch them", async () => {
  const saved = process.env.GRITLOC_CACHE;
  process.env.GRITLOC_CACHE = join(tmp, "empty-cache");
  try {
    await assert.rejects(demoOptions(["--model", "slicvit"]), {
      code: "E_NOT_FOUND",
      message:
        /clip-vit-large-patch14\/model\.safetensors \(weights\), which is not there\. Download it once with `gritloc models fetch clip-vit-l14`/,
    });
    await assert.rejects(demoOptions(["--model", "owlvit"]), {
      code: "E_NOT_FOUND",
      message: /`gritloc models fetch owlvit-b32`, or pass --weights\/--vocab\/--config/,
    });
  } finally {
    if (saved === undefined) delete process.env.GRITLOC_CACHE;
    else process.env.GRITLOC_CACHE = saved;
  }
});

test("bad demo flags exit 2 with a message naming the flag", async () => {
  const cases: [string[], RegExp][] = [
    [["--scenes", "3"], /--scenes/],
    [["--interrupt-after", "0"], /--interrupt-after/],
    [
      ["--model", "yolo"],
      /Expected "smoke", "slicvit", "owlvit" or "regionclip" for --model but received "yolo"/,
    ],
    [["--model", "slicvit", "--weights", "w", "--vocab", "v", "--seed", "1"], /--seed/],
    [["--model", "owlvit", "--weights", "w", "--config", "c", "--vocab", "v", "--alpha", "1"], /--alpha/],
    [["--option", "novalue"], /key=value/],
    [["extra"], /flags only/],
    [["--bogus"], /bogus/],
  ];
  for (const [argv, message] of cases) {
    const io = captureIo();
    assert.equal(await main(["demo", ...argv], io), 2, argv.join(" "));
    assert.match(io.err.join(""), message);
  }
  const io = captureIo();
  assert.equal(await main(["demo", "--help"], io), 0);
  assert.match(io.out.join(""), /Usage: gritloc demo \[--out DIR\]/);
});
