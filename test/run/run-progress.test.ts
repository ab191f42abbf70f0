import assert from "node:assert/strict";
import { test } from "node:test";
import type { RunCounts, RunEvent } from "../../src/run/run-event.js";
import { formatDuration, ProgressMeter } from "../../src/run/run-progress.js";

const counts = (done: number, processed: number, byOthers = 0): RunCounts => ({
  total: 100,
  done,
  errors: 0,
  processed,
  byOthers,
});
const item = (c: RunCounts): RunEvent => ({
  type: "item",
  exampleId: "x",
  boxes: 1,
  confidence: 0.5,
  modelMs: 1,
  counts: c,
});

test("the meter reports this worker's rate and an ETA from the whole run's pace", () => {
  let now = 0;
  const meter = new ProgressMeter(60_000, () => now);
  meter.update(item(counts(10, 0)));
  assert.equal(meter.snapshot().etaSeconds, undefined, "no pace yet");
  now = 10_000;
  // In 10 s this worker did 20 and others 20 more: run pace 4/s, 50 left → 12.5 s.
  meter.update({ type: "skip", count: 20, counts: counts(50, 20, 20) });
  const p = meter.snapshot();
  assert.equal(p.rate, 2);
  assert.equal(p.etaSeconds, 12.5);
  assert.equal(p.byOthers, 20);
  meter.update({ type: "warning", message: "ignored: no counts" });
  assert.deepEqual(meter.snapshot(), p);
});

test("old marks leave the window, so the pace follows recent speed", () => {
  let now = 0;
  const meter = new ProgressMeter(10_000, () => now);
  meter.update(item(counts(0, 0)));
  now = 5_000;
  meter.update(item(counts(50, 50)));
  now = 20_000;
  meter.update(item(counts(60, 60)));
  now = 25_000;
  meter.update(item(counts(70, 70)));
  assert.equal(meter.snapshot().rate, 1, "(70 − 50) / 20 s: the mark at 0 s left the window");
});

test("a finished run has ETA 0 and durations are short and readable", () => {
  const meter = new ProgressMeter();
  meter.update(item(counts(100, 100)));
  assert.equal(meter.snapshot().etaSeconds, 0);
  assert.equal(formatDuration(undefined), "?");
  assert.equal(formatDuration(12.4), "12s");
  assert.equal(formatDuration(245), "4m05s");
  assert.equal(formatDuration(3720), "1h02m");
});
