/**
 * Several `gritloc infer` processes on one run folder at once, with the real smoke model: a head and a tail
 * worker (with the worker-thread prepare pool), and separately four shard workers. Each merge must cover all
 * samples once, and the work done twice must stay within the claim race bound (two chunks).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, test } from "node:test";
import { type MergeResult, mergeRun } from "../../src/run/merge-run.js";
import { createRunFixture, type RunFixture } from "../run/support/run-fixture.js";
import { exited, journalNames, resultLines, spawnSmokeInfer } from "./support/infer-process.js";

const SAMPLES = 120;
const CHUNK = 4;
/** Two workers can both claim one chunk only in the instant between writing and re-reading their claims. */
const MAX_DOUBLE = 2 * CHUNK;

let fixture: RunFixture | undefined;
after(async () => {
  await fixture?.cleanup();
});

async function getFixture(): Promise<RunFixture> {
  fixture ??= await createRunFixture({ samples: SAMPLES, maxPerImage: 6, images: "png", imageSize: 24 });
  return fixture;
}

async function infer(
  f: RunFixture,
  runDir: string,
  extra: string[],
): Promise<{ code: number | null; stderr: string }> {
  const flags = [
    "--n-segments",
    "4",
    "--model-threads",
    "1",
    "--provider",
    "cpu",
    "--chunk-size",
    String(CHUNK),
  ];
  const child = spawnSmokeInfer(f, runDir, [...flags, ...extra], ["ignore", "pipe", "pipe"]);
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  return { code: (await exited(child)).code, stderr };
}

async function resultsPerJournal(runDir: string): Promise<number[]> {
  const names = await journalNames(runDir);
  return Promise.all(names.map((name) => resultLines(join(runDir, "journal", name))));
}

const merged: MergeResult[] = [];

test("head and tail processes started together cover every sample, meeting with at most two chunks done twice", async (t) => {
  const f = await getFixture();
  const runDir = join(f.root, "ends");
  const [head, tail] = await Promise.all([
    infer(f, runDir, ["--end", "head", "--threads", "1"]),
    infer(f, runDir, ["--end", "tail", "--threads", "1"]),
  ]);
  assert.equal(head.code, 0, head.stderr);
  assert.equal(tail.code, 0, tail.stderr);
  const result = await mergeRun({ run: runDir, samples: f.samplesPath });
  const perJournal = await resultsPerJournal(runDir);
  const done = perJournal.reduce((a, b) => a + b, 0);
  assert.equal(result.predicted, SAMPLES);
  assert.equal(perJournal.length, 2);
  assert.ok(Math.min(...perJournal) >= SAMPLES / 10, `both ends worked: ${perJournal}`);
  assert.ok(done - SAMPLES <= MAX_DOUBLE, `${done - SAMPLES} samples done twice`);
  t.diagnostic(`head/tail results per journal: ${perJournal.join(", ")}; done twice: ${done - SAMPLES}`);
  merged.push(result);
});

test("four shard processes started together cover every sample with at most two chunks done twice", async (t) => {
  const f = await getFixture();
  const runDir = join(f.root, "shards");
  const exits = await Promise.all(
    [1, 2, 3, 4].map((k) => infer(f, runDir, ["--shard", `${k}/4`, "--threads", "0"])),
  );
  for (const exit of exits) assert.equal(exit.code, 0, exit.stderr);
  const result = await mergeRun({ run: runDir, samples: f.samplesPath });
  const perJournal = await resultsPerJournal(runDir);
  const done = perJournal.reduce((a, b) => a + b, 0);
  assert.equal(result.predicted, SAMPLES);
  assert.equal(perJournal.length, 4);
  assert.ok(done - SAMPLES <= MAX_DOUBLE, `${done - SAMPLES} samples done twice`);
  t.diagnostic(`shard results per journal: ${perJournal.join(", ")}; done twice: ${done - SAMPLES}`);
  merged.push(result);
});

test("the two concurrent runs merge to identical predictions", () => {
  assert.equal(merged.length, 2, "both runs above succeeded");
  assert.deepEqual(merged[0].entries, merged[1].entries);
});
