import assert from "node:assert/strict";
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { JournalSet } from "../../src/run/journal-reader.js";
import { decodeRecord, encodeRecord, type ResultRecord } from "../../src/run/journal-record.js";
import { JournalWriter } from "../../src/run/journal-writer.js";
import { RunState } from "../../src/run/run-state.js";

const binding = { optionsHash: "h1", model: "test/deterministic" };

function result(exampleId: string, at: number, extra: Partial<ResultRecord> = {}): ResultRecord {
  return {
    type: "result",
    exampleId,
    model: "test/deterministic",
    optionsHash: "h1",
    at,
    prepareMs: 3,
    modelMs: 1.5,
    prediction: { confidence: 0.5, boxes: [[1, 2, 30.25, 40]], scores: [0.5] },
    ...extra,
  };
}

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "gritloc-journal-"));
}

test("records round-trip through one snake_case JSON line each", () => {
  const ok = result("coco_loc_x_1", 1000);
  const line = encodeRecord(ok);
  assert.ok(line.endsWith("\n") && !line.slice(0, -1).includes("\n"));
  assert.match(line, /"example_id":"coco_loc_x_1","confidence":0.5,"bboxes":\[\[1,2,30.25,40\]\]/);
  assert.deepEqual(decodeRecord(line.trim()), ok);
  const failed: ResultRecord = {
    ...result("coco_loc_x_2", 1001),
    prediction: undefined,
    error: { code: "E_IMAGE_DECODE", message: "cannot read a.jpg" },
  };
  const { prediction: _, ...failedWithoutPrediction } = failed;
  assert.deepEqual(decodeRecord(encodeRecord(failed).trim()), failedWithoutPrediction);
  assert.deepEqual(decodeRecord(encodeRecord({ type: "claim", chunk: 7, at: 5 }).trim()), {
    type: "claim",
    chunk: 7,
    at: 5,
  });
});

test("incomplete or malformed lines decode to undefined", () => {
  const line = encodeRecord(result("a", 1)).trim();
  assert.equal(decodeRecord(line.slice(0, line.length - 5)), undefined);
  assert.equal(decodeRecord('{"type":"result","example_id":"a"}'), undefined);
  assert.equal(decodeRecord(line.replace('"bboxes":[[1,2,30.25,40]]', '"bboxes":[[1,2,3]]')), undefined);
  assert.equal(decodeRecord("[1,2]"), undefined);
  assert.equal(decodeRecord('{"type":"mystery","at":1}'), undefined);
});

test("a torn last line is ignored (reported as torn) and picked up once its writer completes it", async () => {
  const dir = await tempDir();
  try {
    const full = encodeRecord(result("a", 1)) + encodeRecord(result("b", 2));
    const third = encodeRecord(result("c", 3));
    await writeFile(join(dir, "w1.jsonl"), full + third.slice(0, 20));
    const state = new RunState();
    const reader = new JournalSet(dir, state, binding);
    assert.equal(await reader.refresh(), 2);
    assert.deepEqual([...state.samples.keys()], ["a", "b"]);
    assert.deepEqual(reader.problems(), [{ file: "w1.jsonl", line: 3, kind: "torn" }]);
    await appendFile(join(dir, "w1.jsonl"), third.slice(20));
    assert.equal(await reader.read(), 1, "only the appended bytes are parsed");
    assert.ok(state.hasPrediction("c"));
    assert.deepEqual(reader.problems(), []);
  } finally {
    await rm(dir, { recursive: true });
  }
});

test("a corrupt complete line is skipped and reported; the lines after it still count", async () => {
  const dir = await tempDir();
  try {
    await writeFile(
      join(dir, "w1.jsonl"),
      `${encodeRecord(result("a", 1))}{"type":"resu\u0000\n${encodeRecord(result("b", 2))}`,
    );
    const state = new RunState();
    const reader = new JournalSet(dir, state, binding);
    await reader.refresh();
    assert.ok(state.hasPrediction("a") && state.hasPrediction("b"));
    assert.deepEqual(reader.problems(), [{ file: "w1.jsonl", line: 2, kind: "corrupt" }]);
  } finally {
    await rm(dir, { recursive: true });
  }
});

test("a journal written with other model options is refused with E_JOURNAL_MISMATCH naming both", async () => {
  const dir = await tempDir();
  try {
    await writeFile(
      join(dir, "other.jsonl"),
      encodeRecord({ ...result("a", 1), optionsHash: "h2", model: "slicvit/l14" }),
    );
    const reader = new JournalSet(dir, new RunState(), binding);
    await assert.rejects(reader.refresh(), (error: Error & { code?: string }) => {
      assert.equal(error.code, "E_JOURNAL_MISMATCH");
      assert.match(
        error.message,
        /other\.jsonl \(line 1\) was written by model slicvit\/l14 with options h2/,
      );
      assert.match(error.message, /bound to test\/deterministic with options h1/);
      assert.match(error.message, /Use a new --run folder/);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true });
  }
});

test("the chosen record of a sample done twice does not depend on the order journals are read", () => {
  const early = {
    worker: "w-b",
    record: result("a", 100, { prediction: { confidence: 0.1, boxes: [], scores: [] } }),
  };
  const late = { worker: "w-a", record: result("a", 200) };
  const tie = {
    worker: "w-a",
    record: result("a", 100, { prediction: { confidence: 0.9, boxes: [], scores: [] } }),
  };
  const orders = [
    [early, late, tie],
    [late, tie, early],
    [tie, early, late],
  ];
  for (const order of orders) {
    const state = new RunState();
    for (const { worker, record } of order) state.apply(worker, record);
    const sample = state.samples.get("a")!;
    assert.equal(sample.chosen?.record.prediction.confidence, 0.9, "earliest time, then smallest worker id");
    assert.equal(sample.doneBy.size, 2);
  }
});

test("a prediction wins over failures; without one the latest failure is reported", () => {
  const state = new RunState();
  const failure = (at: number, message: string) =>
    ({
      ...result("a", at),
      prediction: undefined,
      error: { code: "E_IMAGE_DECODE", message },
    }) as ResultRecord;
  state.apply("w1", failure(5, "late"));
  state.apply("w1", failure(1, "early"));
  assert.equal(state.failure("a")?.record.error?.message, "late");
  state.apply("w2", result("a", 9));
  assert.equal(state.failure("a"), undefined);
  assert.ok(state.hasPrediction("a"));
});

test("the writer batches records and each flush leaves only complete lines on disk", async () => {
  const dir = await tempDir();
  try {
    const path = join(dir, "w.jsonl");
    const writer = await JournalWriter.open(path, { flushEvery: 3, flushIntervalMs: 60_000 });
    writer.append(result("a", 1));
    writer.append(result("b", 2));
    assert.equal(await readFile(path, "utf8"), "", "below flushEvery nothing is written yet");
    writer.append(result("c", 3));
    await writer.flush();
    const text = await readFile(path, "utf8");
    assert.equal(text.split("\n").length, 4);
    assert.ok(text.endsWith("\n"));
    writer.append({ type: "end", reason: "finished", at: 4 });
    await writer.close();
    assert.match(await readFile(path, "utf8"), /"type":"end","reason":"finished"/);
  } finally {
    await rm(dir, { recursive: true });
  }
});

test("listing a run folder without a journal folder yet finds nothing", async () => {
  const dir = await tempDir();
  try {
    const reader = new JournalSet(join(dir, "missing"), new RunState(), binding);
    assert.equal(await reader.refresh(), 0);
    await mkdir(join(dir, "missing"));
    assert.equal(await reader.refresh(), 0);
  } finally {
    await rm(dir, { recursive: true });
  }
});
