/**
 * Crash safety of `gritloc infer` with the real smoke model (random tiny CLIP SLICViT, real decode → resize →
 * SLIC): a worker process is SIGKILLed at random points 20 times and resumed each time; the merged result must
 * equal an uninterrupted run's, with every sample exactly once.
 *
 * Kept short on 2 cores: 200 samples on ~35 24×24 PNGs (1–10 queries per image), one SLIC run per image
 * (`--n-segments 4`), preparation on the main thread (`--threads 0`, no worker start-up per life) and one
 * ONNX thread (also makes the float results independent of thread scheduling). Most of the time is the
 * 21 process start-ups (tsx + onnxruntime + the smoke model, ≈1 s of CPU each).
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { mergeRun } from "../../src/run/merge-run.js";
import { runInference } from "../../src/run/run-inference.js";
import { createRunFixture, type RunFixture, seededRandom } from "../run/support/run-fixture.js";
import { exited, journalNames, resultLines, spawnSmokeInfer } from "./support/infer-process.js";

const KILLS = 20;
const N_SEGMENTS = [4];

let fixture: RunFixture | undefined;
after(async () => {
  await fixture?.cleanup();
});

function startWorker(f: RunFixture, runDir: string): ChildProcess {
  const flags = [
    "--n-segments",
    N_SEGMENTS.join(","),
    "--threads",
    "0",
    "--model-threads",
    "1",
    "--provider",
    "cpu",
  ];
  return spawnSmokeInfer(f, runDir, flags, ["ignore", "ignore", "pipe"]);
}

async function predictedCount(runDir: string): Promise<number> {
  const ids = new Set<string>();
  for (const name of await journalNames(runDir)) {
    const text = await readFile(join(runDir, "journal", name), "utf8");
    for (const match of text.matchAll(/"type":"result","example_id":"([^"]+)","confidence"/g))
      ids.add(match[1]);
  }
  return ids.size;
}

test("SIGKILLed 20 times at random points and resumed, infer merges to exactly the uninterrupted result", async (t) => {
  const f = await createRunFixture({ samples: 200, maxPerImage: 10, images: "png", imageSize: 24 });
  fixture = f;
  const started = performance.now();

  // The yardstick: one uninterrupted worker (in-process, same model and options as the CLI flags below).
  const referenceRun = join(f.root, "reference");
  const reference = runInference({
    samples: f.samplesPath,
    images: f.imagesDir,
    run: referenceRun,
    model: { family: "smoke", options: { nSegments: N_SEGMENTS } },
    threads: 0,
    runtime: { threads: 1, provider: "cpu" },
  });
  assert.equal((await reference.done).predictions, 200);
  const expected = await mergeRun({ run: referenceRun, samples: f.samplesPath });

  const random = seededRandom(20_240_611);
  const crashRun = join(f.root, "crashed");
  const kinds = { early: 0, working: 0 };
  let kills = 0;
  while (kills < KILLS) {
    const remaining = 200 - (await predictedCount(crashRun));
    // A working life advances ≥ one flushed batch (8 samples); a quarter of the lives (and all once the work
    // left gets short) die at a random moment of start-up instead: loading, run.json, first claim, ...
    const working = remaining / (KILLS - kills) >= 8 && random() >= 0.25;
    const before = new Set(await journalNames(crashRun));
    const child = startWorker(f, crashRun);
    // Kills are triggered by this life's own progress, not by wall-clock time alone: on a quiet machine a life
    // can finish the whole remaining work within a second, and it must never get the chance to.
    const flushedByThisLife = async (): Promise<number> => {
      const mine = (await journalNames(crashRun)).filter((n) => !before.has(n));
      return mine.length > 0 ? resultLines(join(crashRun, "journal", mine[0])) : 0;
    };
    if (working) {
      // Kill once this life has flushed a random number of results, at most its fair share of what is left.
      const target = 1 + Math.floor(random() * Math.max(1, remaining / (KILLS - kills) - 8));
      while (child.exitCode === null && (await flushedByThisLife()) < target) await sleep(5);
      // Then a random moment inside the next batch (its records are in memory, not yet flushed), capped at
      // that batch's flush so the life still cannot run out of work.
      const deadline = performance.now() + random() * 300;
      while (
        child.exitCode === null &&
        performance.now() < deadline &&
        (await flushedByThisLife()) < target + 8
      ) {
        await sleep(5);
      }
    } else {
      // Kill at a random moment of start-up, or as soon as its first results are flushed, whichever comes first.
      const deadline = performance.now() + 50 + random() * 1200;
      while (child.exitCode === null && performance.now() < deadline && (await flushedByThisLife()) === 0) {
        await sleep(5);
      }
    }
    child.kill("SIGKILL");
    const { code, signal } = await exited(child);
    assert.equal(signal, "SIGKILL", `life ${kills} ended by itself with code ${code} before its kill`);
    kills++;
    kinds[working ? "working" : "early"]++;
  }

  const last = startWorker(f, crashRun);
  let stderr = "";
  last.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  assert.deepEqual(await exited(last), { code: 0, signal: null }, stderr);

  const merged = await mergeRun({ run: crashRun, samples: f.samplesPath });
  assert.equal(merged.predicted, 200);
  assert.equal(merged.duplicates, 0, "no sample was predicted by two lives");
  assert.equal(new Set(merged.entries.map((e) => e.exampleId)).size, 200);
  assert.deepEqual(merged.entries, expected.entries);
  t.diagnostic(
    `${kills} SIGKILLs (${kinds.working} after progress, ${kinds.early} during start-up), ` +
      `${merged.journals} journals, ${merged.ignoredLines.length} torn/corrupt lines ignored, ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
});

test("Ctrl-C (SIGINT) stops infer gracefully: summary, exit 130, an end record, and the rest resumes", async () => {
  const f = await createRunFixture({ samples: 40, maxPerImage: 4, images: "png", imageSize: 24 });
  try {
    const runDir = join(f.root, "interrupted");
    const flags = ["--n-segments", "4", "--threads", "0", "--model-threads", "1"];
    const child = spawnSmokeInfer(f, runDir, flags, ["ignore", "pipe", "pipe"]);
    let stdout = "";
    child.stdout?.on("data", (chunk) => {
      stdout += chunk;
    });
    for (;;) {
      const [name] = await journalNames(runDir);
      if (name !== undefined && (await resultLines(join(runDir, "journal", name))) > 0) break;
      await sleep(20);
    }
    child.kill("SIGINT");
    // 130, not 0: `infer && merge` must not merge the unfinished run.
    assert.deepEqual(await exited(child), { code: 130, signal: null });
    assert.match(stdout, /^stopped: \d+ predictions? and 0 failures by worker/);
    assert.match(stdout, /Resume with the same command/);
    const [name] = await journalNames(runDir);
    const lines = (await readFile(join(runDir, "journal", name), "utf8")).trimEnd().split("\n");
    assert.match(lines.at(-1)!, /"type":"end","reason":"stopped"/);
    const done = await predictedCount(runDir);
    assert.ok(done > 0 && done < 40, `${done} done before the stop`);
    assert.deepEqual(await exited(startWorker(f, runDir)), { code: 0, signal: null });
    const merged = await mergeRun({ run: runDir, samples: f.samplesPath });
    assert.equal(merged.predicted, 40);
    assert.equal(merged.duplicates, 0);
  } finally {
    await f.cleanup();
  }
});
