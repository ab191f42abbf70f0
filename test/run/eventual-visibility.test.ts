/**
 * Head and tail on two "machines" that see each other's journals only after a delay, as with a Google Drive
 * folder shared by two Colab sessions: each worker has its own copy of the run folder, and a sync loop copies
 * each worker's journal to the other copy as it was `LAG_MS` earlier. Claiming ahead by the observed lag keeps
 * the work done twice to a handful of samples; without it, both ends overrun each other by ~lag × rate.
 */
import assert from "node:assert/strict";
import { mkdir, readdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, test } from "node:test";
import { mergeRun } from "../../src/run/merge-run.js";
import { createRunFixture, type RunFixture } from "./support/run-fixture.js";
import { startTestWorker } from "./support/start-test-worker.js";
import { createTestLocalizer } from "./support/test-localizer.js";

const LAG_MS = 600;
const SAMPLES = 240;

const fixtures: RunFixture[] = [];
after(async () => {
  for (const f of fixtures) await f.cleanup();
});

/** Copies `name` from one journal folder to another as it was `lagMs` ago, until stopped. */
function mirror(fromDir: string, toDir: string, name: string, lagMs: number) {
  const sizes: { at: number; size: number }[] = [];
  let running = true;
  const loop = (async () => {
    let copied = -1;
    while (running) {
      const now = Date.now();
      const size = await stat(join(fromDir, name)).then(
        (s) => s.size,
        () => 0,
      );
      sizes.push({ at: now, size });
      const visible = sizes.filter((s) => s.at <= now - lagMs).at(-1)?.size ?? 0;
      if (visible > 0 && visible !== copied) {
        const bytes = (await readFile(join(fromDir, name))).subarray(0, visible);
        await mkdir(toDir, { recursive: true });
        await writeFile(join(toDir, `.${name}.tmp`), bytes);
        await rename(join(toDir, `.${name}.tmp`), join(toDir, name));
        copied = visible;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

async function runPair(f: RunFixture, label: string, maxClaimAhead: number | undefined): Promise<number> {
  const dirA = join(f.root, `${label}-a`);
  const dirB = join(f.root, `${label}-b`);
  const localizer = () => createTestLocalizer({ delayMs: 12 });
  const tuning = {
    chunkSize: 4,
    refreshIntervalMs: 50,
    ...(maxClaimAhead === undefined ? {} : { maxClaimAhead }),
  };
  const head = startTestWorker({ ...f, runDir: dirA }, { end: "head", localizer: localizer(), ...tuning });
  const tail = startTestWorker({ ...f, runDir: dirB }, { end: "tail", localizer: localizer(), ...tuning });
  const name = (worker: string) => `${worker}.jsonl`;
  const stops = [
    mirror(join(dirA, "journal"), join(dirB, "journal"), name(head.worker), LAG_MS),
    mirror(join(dirB, "journal"), join(dirA, "journal"), name(tail.worker), LAG_MS),
  ];
  const [h, t] = await Promise.all([head.done, tail.done]);
  for (const stop of stops) await stop();
  // Final sync, then merge on machine A.
  await writeFile(
    join(dirA, "journal", name(tail.worker)),
    await readFile(join(dirB, "journal", name(tail.worker))),
  );
  const merged = await mergeRun({ run: dirA, samples: f.samplesPath });
  assert.equal(merged.predicted, SAMPLES);
  assert.equal((await readdir(join(dirA, "journal"))).length, 2);
  assert.ok(h.predictions > 0 && t.predictions > 0);
  return h.predictions + t.predictions - SAMPLES;
}

test("head and tail that see each other's journals 600 ms late do at most a handful of samples twice", async (t) => {
  const f = await createRunFixture({ samples: SAMPLES, perImage: 1 });
  fixtures.push(f);
  const withLookahead = await runPair(f, "ahead", undefined);
  const without = await runPair(f, "no-ahead", 0);
  t.diagnostic(`samples done twice: ${withLookahead} claiming ahead, ${without} without`);
  assert.ok(withLookahead <= 8, `${withLookahead} samples done twice`);
  assert.ok(without > withLookahead, "the simulated lag is real: without claiming ahead the ends overrun");
});
