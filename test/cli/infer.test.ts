import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, test } from "node:test";
import { inferOptions } from "../../src/cli/infer.js";
import { main } from "../../src/cli/main.js";
import { createRunFixture, type RunFixture } from "../run/support/run-fixture.js";
import { captureIo } from "../support/cli-io.js";

const base = ["--samples", "s.json", "--images", "img", "--run", "r"];

test("infer flags map to runInference options and a smoke ModelSpec", () => {
  const options = inferOptions([
    ...base,
    "--model",
    "smoke",
    "--seed",
    "3",
    "--end",
    "tail",
    "--limit",
    "5",
    "--threads",
    "0",
    "--n-segments",
    "10, 20",
    "--option",
    "alpha=0.5",
    "--option",
    "compactness=20",
    "--retry-errors",
    "--provider",
    "cpu",
    "--model-threads",
    "1",
  ]);
  assert.deepEqual(options, {
    samples: "s.json",
    images: "img",
    run: "r",
    model: { family: "smoke", seed: 3, options: { alpha: 0.5, compactness: 20, nSegments: [10, 20] } },
    runtime: { provider: "cpu", threads: 1 },
    retryErrors: true,
    end: "tail",
    limit: 5,
    threads: 0,
  });
});

test("slicvit needs --weights and --vocab; --shard and --shard-only map to the role options", () => {
  assert.throws(
    () => inferOptions([...base, "--model", "slicvit", "--vocab", "v"]),
    /: --weights is required with --model slicvit\. Run with --help for usage\.$/,
  );
  const options = inferOptions([
    ...base,
    "--model",
    "slicvit",
    "--weights",
    "w.safetensors",
    "--vocab",
    "v.txt.gz",
    "--config",
    "c.json",
    "--shard",
    "2/4",
    "--shard-only",
    "--chunk-size",
    "4",
  ]);
  assert.deepEqual(options.model, {
    family: "slicvit",
    weights: "w.safetensors",
    vocab: "v.txt.gz",
    config: "c.json",
    options: {},
  });
  assert.equal(options.shard, "2/4");
  assert.equal(options.helpOthers, false);
  assert.equal(options.chunkSize, 4);
});

test("bad infer flags are usage errors that name the flag", async () => {
  const cases: [string[], RegExp][] = [
    [
      [...base, "--model", "resnet"],
      /Expected one of smoke, slicvit(, \w+)* for --model but received "resnet"/,
    ],
    [[...base], /\]: --model is required\. Run with --help for usage\./],
    [[...base, "--model", "smoke", "--end", "middle"], /Expected "head" or "tail" for --end/],
    [
      [...base, "--model", "smoke", "--end", "head", "--shard", "1/2"],
      /\]: use either --end or --shard, not both\. /,
    ],
    [[...base, "--model", "smoke", "--shard", "3/2"], /Expected a shard "k\/N" with 1 ≤ k ≤ N/],
    [[...base, "--model", "smoke", "--limit", "1.5"], /Expected an integer ≥ 0 for --limit/],
    [
      [...base, "--model", "smoke", "--option", "alpha"],
      /Expected key=value \(e\.g\. --option alpha=0\.5\) for --option/,
    ],
    [["--images", "i", "--run", "r", "--model", "smoke"], /\]: --samples is required\. /],
  ];
  for (const [argv, message] of cases) {
    const io = captureIo();
    assert.equal(await main(["infer", ...argv], io), 2, argv.join(" "));
    assert.match(io.err.join(""), message);
  }
});

const fixtures: RunFixture[] = [];
after(async () => {
  for (const f of fixtures) await f.cleanup();
});

test("gritloc infer with the smoke model journals every sample, exits 1 for an unreadable image and retries it", async () => {
  const f = await createRunFixture({ samples: 6, perImage: 2, images: "png", imageSize: 24 });
  fixtures.push(f);
  const broken = join(f.imagesDir, f.imageIds[1]);
  const png = await readFile(broken);
  await import("node:fs/promises").then((fs) => fs.writeFile(broken, png.subarray(0, 20)));
  const args = [
    "infer",
    "--samples",
    f.samplesPath,
    "--images",
    f.imagesDir,
    "--run",
    f.runDir,
    "--model",
    "smoke",
    "--n-segments",
    "8",
    "--threads",
    "1",
    "--model-threads",
    "1",
  ];
  const io = captureIo();
  assert.equal(await main(args, io), 1, io.err.join(""));
  const err = io.err.join("");
  assert.match(err, /worker .* \(head\) on smoke\/smoke \(random, seed 0\)/);
  assert.match(err, new RegExp(`error \\[E_IMAGE_DECODE\\] ${f.samples[2].exampleId}: .*${f.imageIds[1]}`));
  assert.match(err, /infer head: 6\/6 \(100\.0%\) \| [\d.]+ samples\/s \| ETA 0s \| by others 0 \| errors 2/);
  assert.match(io.out.join(""), /finished: 4 predictions and 2 failures by worker/);
  assert.match(io.out.join(""), /2 samples failed; fix the cause .* --retry-errors/);

  await import("node:fs/promises").then((fs) => fs.writeFile(broken, png));
  const retry = captureIo({ isTty: true });
  assert.equal(await main([...args, "--retry-errors"], retry), 0, retry.err.join(""));
  // On a terminal the progress is a cli-progress bar redrawn in place.
  assert.match(
    retry.err.join(""),
    /infer head \[█+░*\] \d+% \d\/6 \| [\d.]+\/s \| ETA \S+ \| others 0 \| errors 0/,
  );
  assert.match(retry.out.join(""), /finished: 2 predictions and 0 failures/);
  assert.match(retry.out.join(""), /Merge with: gritloc merge --run/);
});
