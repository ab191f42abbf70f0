import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { encodeRecord } from "../../src/run/journal-record.js";
import { mergeRun } from "../../src/run/merge-run.js";
import type { RunEvent } from "../../src/run/run-event.js";
import { createRunFixture, type RunFixture, writeSamples } from "./support/run-fixture.js";
import { startTestWorker } from "./support/start-test-worker.js";
import { createTestLocalizer } from "./support/test-localizer.js";

const fixtures: RunFixture[] = [];
async function fixture(samples: number, perImage = 1): Promise<RunFixture> {
  const f = await createRunFixture({ samples, perImage });
  fixtures.push(f);
  return f;
}
after(async () => {
  for (const f of fixtures) await f.cleanup();
});

async function journalLines(f: RunFixture): Promise<Record<string, unknown>[]> {
  const dir = join(f.runDir, "journal");
  const lines: Record<string, unknown>[] = [];
  for (const name of await readdir(dir)) {
    for (const line of (await readFile(join(dir, name), "utf8")).split("\n")) {
      if (line !== "") lines.push(JSON.parse(line));
    }
  }
  return lines;
}

let reference: Map<string, unknown>;
before(async () => {
  // An uninterrupted single worker's predictions, the yardstick for the concurrent runs below.
  const f = await fixture(60, 2);
  await startTestWorker(f).done;
  const merged = await mergeRun({ run: f.runDir, samples: f.samplesPath });
  reference = new Map(merged.entries.map((e) => [e.exampleId, e]));
});

test("one worker journals every sample once and groups samples of one image into one localize call", async () => {
  const f = await fixture(30, 3);
  const calls: { imageBytes: number; queries: string[] }[] = [];
  const events: RunEvent[] = [];
  const handle = startTestWorker(f, { localizer: createTestLocalizer({ calls }) });
  handle.on((event) => events.push(event));
  const summary = await handle.done;
  assert.equal(summary.predictions, 30);
  assert.equal(summary.errors, 0);
  assert.equal(summary.remaining, 0);
  assert.equal(summary.end, "finished");
  assert.equal(calls.length, 10, "10 images, 3 queries each");
  assert.ok(calls.every((c) => c.queries.length === 3));
  assert.equal(events[0].type, "start");
  assert.equal(events.at(-1)?.type, "done");
  assert.equal(events.filter((e) => e.type === "item").length, 30);
  const lastItem = events.findLast((e) => e.type === "item");
  assert.deepEqual(lastItem?.type === "item" && lastItem.counts, {
    total: 30,
    done: 30,
    errors: 0,
    processed: 30,
    byOthers: 0,
  });
  const results = (await journalLines(f)).filter((l) => l.type === "result");
  assert.equal(new Set(results.map((r) => r.example_id)).size, 30);
  assert.equal(results.length, 30);
  const run = JSON.parse(await readFile(join(f.runDir, "run.json"), "utf8"));
  assert.equal(run.options_hash, "test-options-1");
  assert.equal(run.samples.count, 30);
  assert.match(run.samples.sha256, /^[0-9a-f]{64}$/);
  assert.deepEqual(run.model_spec, { family: "test" });
});

test("a worker stopped by its limit leaves the rest to the next one; together they do each sample once", async () => {
  const f = await fixture(40, 1);
  const first = await startTestWorker(f, { limit: 13 }).done;
  assert.equal(first.end, "limit");
  assert.equal(first.predictions, 13);
  const second = await startTestWorker(f).done;
  assert.equal(second.predictions, 27);
  const merged = await mergeRun({ run: f.runDir, samples: f.samplesPath });
  assert.equal(merged.duplicates, 0);
  assert.equal(merged.predicted, 40);
});

test("head and tail started together meet in the middle: all samples, at most one chunk done twice", async () => {
  const f = await fixture(60, 2);
  const head = startTestWorker(f, { end: "head", chunkSize: 4 });
  const tail = startTestWorker(f, { end: "tail", chunkSize: 4 });
  const [h, t] = await Promise.all([head.done, tail.done]);
  assert.ok(
    h.predictions > 10 && t.predictions > 10,
    `both ends worked (${h.predictions}, ${t.predictions})`,
  );
  const merged = await mergeRun({ run: f.runDir, samples: f.samplesPath });
  assert.equal(merged.predicted, 60);
  assert.ok(merged.duplicates <= 4, `${merged.duplicates} samples done twice`);
  assert.equal(
    h.predictions + t.predictions,
    (await journalLines(f)).filter((l) => l.type === "result").length,
  );
  for (const entry of merged.entries) assert.deepEqual(entry, reference.get(entry.exampleId));
});

test("four shard workers started together cover every sample with at most a few done twice", async () => {
  const f = await fixture(60, 2);
  const shards = [1, 2, 3, 4].map((k) => startTestWorker(f, { shard: `${k}/4`, chunkSize: 4 }));
  const summaries = await Promise.all(shards.map((s) => s.done));
  const merged = await mergeRun({ run: f.runDir, samples: f.samplesPath });
  assert.equal(merged.predicted, 60);
  assert.ok(merged.duplicates <= 8, `${merged.duplicates} samples done twice`);
  const results = (await journalLines(f)).filter((l) => l.type === "result");
  assert.equal(
    summaries.reduce((n, s) => n + s.predictions, 0),
    results.length,
  );
  for (const entry of merged.entries) assert.deepEqual(entry, reference.get(entry.exampleId));
});

test("a missing image becomes a failure record, the run goes on, and retryErrors redoes only the failures", async () => {
  const f = await fixture(12, 2);
  const missing = join(f.imagesDir, f.imageIds[2]);
  const bytes = await readFile(missing);
  await rm(missing);
  const errors: RunEvent[] = [];
  const handle = startTestWorker(f);
  handle.on((e) => e.type === "error" && errors.push(e));
  const first = await handle.done;
  assert.equal(first.predictions, 10);
  assert.equal(first.errors, 2);
  assert.equal(first.runErrors, 2);
  assert.equal(errors.length, 2);
  const failure = errors[0];
  assert.ok(failure.type === "error");
  assert.equal(failure.code, "E_IMAGE_DECODE");
  assert.ok(failure.message.includes(f.imageIds[2]), failure.message);

  await assert.rejects(
    mergeRun({ run: f.runDir, samples: f.samplesPath }),
    (error: Error & { code?: string }) => {
      assert.equal(error.code, "E_RUN_INCOMPLETE");
      assert.match(error.message, /2 of 12 samples have no prediction: 2 failed \[E_IMAGE_DECODE ×2\]/);
      assert.match(error.message, /--retry-errors/);
      return true;
    },
  );

  const again = await startTestWorker(f).done;
  assert.equal(again.predictions + again.errors, 0, "without retryErrors failures count as done");

  await writeFile(missing, bytes);
  const retry = await startTestWorker(f, { retryErrors: true }).done;
  assert.equal(retry.predictions, 2);
  assert.equal(retry.runErrors, 0);
  const merged = await mergeRun({ run: f.runDir, samples: f.samplesPath });
  assert.equal(merged.predicted, 12);
});

test("a torn last journal line is ignored with a warning and its sample is redone", async () => {
  const f = await fixture(10, 1);
  await startTestWorker(f, { limit: 5 }).done;
  const dir = join(f.runDir, "journal");
  const [name] = await readdir(dir);
  const text = await readFile(join(dir, name), "utf8");
  const lines = text.trimEnd().split("\n");
  // Drop the `end` record and tear the last result in half, as a crash mid-write would.
  const lastResult = lines.at(-2)!;
  await writeFile(join(dir, name), `${lines.slice(0, -2).join("\n")}\n${lastResult.slice(0, 30)}`);
  const warnings: string[] = [];
  // The torn journal's writer ran in this process, so only its lapsed lease tells that it is gone.
  await sleep(250);
  const handle = startTestWorker(f, { leaseMs: 200 });
  handle.on((e) => e.type === "warning" && warnings.push(e.message));
  const summary = await handle.done;
  assert.equal(summary.predictions, 6, "5 remaining + the torn one");
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], new RegExp(`Journal ${name} line \\d+ ends with an incomplete line`));
  const merged = await mergeRun({ run: f.runDir, samples: f.samplesPath });
  assert.equal(merged.predicted, 10);
  assert.equal(merged.duplicates, 0);
  assert.deepEqual(
    merged.ignoredLines.map((p) => p.kind),
    ["torn"],
  );
});

test("an incomplete last line of a live worker's journal is a write in progress: no warning", async () => {
  const f = await fixture(4, 1);
  await startTestWorker(f, { limit: 0 }).done;
  const header = encodeRecord({
    type: "worker",
    worker: "remote",
    host: "another-machine",
    pid: 1,
    role: "tail",
    model: "test/deterministic",
    optionsHash: "test-options-1",
    gritlocVersion: "0",
    at: Date.now(),
  });
  await writeFile(join(f.runDir, "journal", "remote.jsonl"), `${header}{"type":"result","exam`);
  const warnings: RunEvent[] = [];
  const handle = startTestWorker(f);
  handle.on((e) => e.type === "warning" && warnings.push(e));
  assert.equal((await handle.done).predictions, 4);
  assert.deepEqual(warnings, []);
});

test("a worker with another model's options is refused before it does anything", async () => {
  const f = await fixture(6, 1);
  await startTestWorker(f, { limit: 2 }).done;
  const other = createTestLocalizer({ optionsHash: "other-options" });
  await assert.rejects(startTestWorker(f, { localizer: other }).done, (error: Error & { code?: string }) => {
    assert.equal(error.code, "E_JOURNAL_MISMATCH");
    assert.match(error.message, /was started with model test\/deterministic \(options test-options-1\)/);
    assert.match(error.message, /this worker uses model test\/deterministic \(options other-options\)/);
    return true;
  });
  assert.equal((await readdir(join(f.runDir, "journal"))).length, 1, "no journal was created");
});

test("a journal from another model found in the run folder stops the worker with E_JOURNAL_MISMATCH", async () => {
  const f = await fixture(6, 1);
  await startTestWorker(f, { limit: 2 }).done;
  const record = {
    type: "result" as const,
    exampleId: f.samples[3].exampleId,
    model: "slicvit/clip-vit-b32",
    optionsHash: "b32-hash",
    at: Date.now(),
    prepareMs: 0,
    modelMs: 0,
    prediction: { confidence: 0.5, boxes: [], scores: [] },
  };
  await writeFile(join(f.runDir, "journal", "stray.jsonl"), encodeRecord(record));
  await assert.rejects(
    startTestWorker(f).done,
    /stray\.jsonl \(line 1\) was written by model slicvit\/clip-vit-b32/,
  );
});

test("a samples file that changed since the run started is refused, naming both checksums", async () => {
  const f = await fixture(6, 1);
  await startTestWorker(f, { limit: 2 }).done;
  const changed = [...f.samples];
  changed[4] = { ...changed[4], taskQuery: "a different query" };
  await writeSamples(f.samplesPath, changed);
  await assert.rejects(startTestWorker(f, { samples: changed }).done, (error: Error & { code?: string }) => {
    assert.equal(error.code, "E_JOURNAL_MISMATCH");
    assert.match(error.message, /Samples file .*localization\.json changed since run .* started/);
    assert.match(
      error.message,
      /sha256 [0-9a-f]{64} \(6 samples\), the file now has sha256 [0-9a-f]{64} \(6 samples\)/,
    );
    assert.match(error.message, /Restore the original samples file, or start a new --run folder/);
    return true;
  });
  await assert.rejects(mergeRun({ run: f.runDir, samples: f.samplesPath }), { code: "E_JOURNAL_MISMATCH" });
});

test("stop() ends the worker after the current sample and releases its claims at once", async () => {
  const f = await fixture(40, 1);
  const handle = startTestWorker(f, { chunkSize: 4 });
  let items = 0;
  handle.on((e) => {
    if (e.type === "item" && ++items === 5) void handle.stop();
  });
  const summary = await handle.done;
  assert.equal(summary.end, "stopped");
  assert.ok(summary.predictions >= 5 && summary.predictions < 40);
  const lines = await journalLines(f);
  assert.equal(lines.at(-1)?.type, "end");
  // The next worker must not wait for the stopped worker's claims.
  const waits: RunEvent[] = [];
  const next = startTestWorker(f, { chunkSize: 4 });
  next.on((e) => e.type === "wait" && waits.push(e));
  const rest = await next.done;
  assert.equal(waits.length, 0);
  assert.equal(rest.predictions, 40 - summary.predictions);
});

test("events can also be consumed with for await; the iterator ends after done", async () => {
  const f = await fixture(5, 1);
  const types: string[] = [];
  for await (const event of startTestWorker(f)) types.push(event.type);
  assert.deepEqual(types, ["start", "item", "item", "item", "item", "item", "done"]);
});

test("iterating a run that fails throws its error after the events so far", async () => {
  const f = await fixture(4, 1);
  await startTestWorker(f, { limit: 1 }).done;
  const other = createTestLocalizer({ optionsHash: "other-options" });
  const types: string[] = [];
  await assert.rejects(
    (async () => {
      for await (const event of startTestWorker(f, { localizer: other })) types.push(event.type);
    })(),
    { code: "E_JOURNAL_MISMATCH" },
  );
  assert.deepEqual(types, []);
});

test("model failures are journaled per sample; too many in a row stop the worker with the model's error", async () => {
  const f = await fixture(12, 1);
  const flaky = createTestLocalizer({ failQueries: new Set(["dog"]) });
  const summary = await startTestWorker(f, { localizer: flaky }).done;
  assert.equal(summary.errors, 2, "samples 0 and 6 ask for 'dog'");
  const broken = createTestLocalizer({
    failQueries: new Set(["dog", "baking dish", "red car", "person", "tree", "cup"]),
  });
  const g = await fixture(20, 1);
  await assert.rejects(
    startTestWorker(g, { localizer: broken, maxConsecutiveModelErrors: 3 }).done,
    /model failed on/,
  );
  const results = (await journalLines(g)).filter((l) => l.type === "result");
  assert.equal(results.length, 3);
  assert.equal((await journalLines(g)).at(-1)?.type, "end");
});

function deadPid(): number {
  return spawnSync(process.execPath, ["-e", "0"]).pid!;
}

test("claims of a dead process on this host are void; a live claim from elsewhere is waited for until its lease lapses", async () => {
  const f = await fixture(8, 1);
  await mkdir(join(f.runDir, "journal"), { recursive: true });
  const claimLines = (host: string, pid: number, at: number) =>
    encodeRecord({
      type: "worker",
      worker: "x",
      host,
      pid,
      role: "tail",
      model: "test/deterministic",
      optionsHash: "test-options-1",
      gritlocVersion: "0",
      at,
    }) + encodeRecord({ type: "claim", chunk: 0, at });
  // run.json must exist for the same binding: create it with a no-op worker first.
  await startTestWorker(f, { limit: 0 }).done;
  await writeFile(join(f.runDir, "journal", "dead.jsonl"), claimLines(hostname(), deadPid(), Date.now()));
  const waits: RunEvent[] = [];
  const first = startTestWorker(f, { chunkSize: 4, leaseMs: 400 });
  first.on((e) => e.type === "wait" && waits.push(e));
  assert.equal((await first.done).predictions, 8);
  assert.equal(waits.length, 0, "the dead local worker's claim was ignored");

  const g = await fixture(8, 1);
  await startTestWorker(g, { limit: 0 }).done;
  await writeFile(join(g.runDir, "journal", "remote.jsonl"), claimLines("another-machine", 1, Date.now()));
  const waited: RunEvent[] = [];
  const second = startTestWorker(g, { chunkSize: 4, leaseMs: 400 });
  second.on((e) => e.type === "wait" && waited.push(e));
  assert.equal((await second.done).predictions, 8);
  assert.equal(waited.length, 1, "it waited for the remote claim");
  assert.deepEqual(waited[0].type === "wait" && waited[0].chunks, [0]);
});
