import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  openRunManifest,
  RUN_FORMAT,
  type RunManifest,
  readRunManifest,
} from "../../src/run/run-manifest.js";

function manifest(optionsHash: string, created: string): RunManifest {
  return {
    format: RUN_FORMAT,
    modelSpec: { family: "smoke", seed: 0 },
    family: "smoke",
    model: "smoke/smoke (random, seed 0)",
    optionsHash,
    paramsInMillions: 2,
    samples: { path: "samples.json", sha256: "a".repeat(64), count: 10 },
    chunkSize: 8,
    created,
    gritlocVersion: "0.1.0",
  };
}

test("workers creating run.json at once agree on the first one and leave no temporary files", async () => {
  const dir = await mkdtemp(join(tmpdir(), "gritloc-manifest-"));
  try {
    const results = await Promise.all(
      ["2024-01-01T00:00:00.000Z", "2024-01-01T00:00:01.000Z", "2024-01-01T00:00:02.000Z"].map((created) =>
        openRunManifest(dir, manifest("h1", created)),
      ),
    );
    assert.equal(new Set(results.map((m) => m.created)).size, 1, "every worker got the same manifest");
    assert.deepEqual(await readRunManifest(dir), results[0]);
    assert.deepEqual(await readdir(dir), ["run.json"]);
  } finally {
    await rm(dir, { recursive: true });
  }
});

test("a worker with other options is refused by an existing run.json", async () => {
  const dir = await mkdtemp(join(tmpdir(), "gritloc-manifest-"));
  try {
    await openRunManifest(dir, manifest("h1", "t"));
    await assert.rejects(openRunManifest(dir, manifest("h2", "t")), {
      code: "E_JOURNAL_MISMATCH",
      message: new RegExp(
        `Run folder ${dir} was started with model smoke/smoke \\(random, seed 0\\) \\(options h1\\); this worker ` +
          "uses model smoke/smoke \\(random, seed 0\\) \\(options h2\\)",
      ),
    });
  } finally {
    await rm(dir, { recursive: true });
  }
});

test("run.json that is not a run manifest is refused with a clear message", async () => {
  const dir = await mkdtemp(join(tmpdir(), "gritloc-manifest-"));
  try {
    await writeFile(join(dir, "run.json"), JSON.stringify({ hello: "world" }));
    await assert.rejects(
      readRunManifest(dir),
      /run\.json is not a gritloc run manifest \(format gritloc-run\/1\)\. Use an empty folder for --run\./,
    );
  } finally {
    await rm(dir, { recursive: true });
  }
});
