/**
 * ChunkClaims on a fake worker: which chunks it claims, and when it lists the run folder for journals it has
 * not seen.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ChunkClaims, type ClaimWorker } from "../../src/run/chunk-claims.js";
import type { ClaimRecord, ReleaseRecord } from "../../src/run/journal-record.js";
import { buildPlan, chunkSampleIndices } from "../../src/run/plan.js";
import { RunState } from "../../src/run/run-state.js";
import { parseShard } from "../../src/run/worker-role.js";

/** 8 samples on 8 images, 2 per chunk: chunks 0–1 are shard 1/2's, chunks 2–3 shard 2/2's. */
const plan = buildPlan(
  Array.from({ length: 8 }, (_, i) => ({ exampleId: `s${i}`, imageId: `i${i}.jpg`, taskQuery: "cat" })),
  { chunkSize: 2 },
);

/**
 * A worker whose folder listing reveals a journal that it could not see before: another worker has already
 * done `doneByUnseen` (chunks).
 */
function fakeWorker(state: RunState, doneByUnseen: number[]) {
  const open = new Set(plan.samples.map((_, i) => i));
  const refreshes: boolean[] = [];
  const finish = (chunk: number) => {
    for (const i of chunkSampleIndices(plan, plan.chunks[chunk])) open.delete(i);
  };
  const worker: ClaimWorker = {
    isSampleOpen: (i) => open.has(i),
    async refresh(list = false) {
      refreshes.push(list);
      if (!list) return;
      for (const chunk of doneByUnseen) finish(chunk);
    },
    record: (record: ClaimRecord | ReleaseRecord) => state.apply("w1", record),
    flush: async () => {},
    liveness: () => ({ host: "h", now: Date.now(), leaseMs: 60_000 }),
    msPerSample: () => null,
  };
  return { worker, refreshes, finish };
}

test("a shard lists the folder before it first helps another shard, and skips the work that listing shows done", async () => {
  const state = new RunState();
  const { worker, refreshes, finish } = fakeWorker(state, [3]);
  const config = { workerId: "w1", role: parseShard("1/2"), leaseMs: 60_000, maxClaimAhead: 4, chunkSize: 2 };
  const claims = new ChunkClaims(config, state, plan, worker);
  const order: number[] = [];
  for (;;) {
    const next = await claims.next();
    if (typeof next !== "number") break;
    order.push(next);
    finish(next);
  }
  // Without the listing, the helper would take chunk 3 (the last of shard 2's range), already done.
  assert.deepEqual(order, [0, 1, 2]);
  assert.equal(refreshes.filter((list) => list).length, 1, "one forced listing");
});

test("head lists once when its picks cross into the tail's half, not before", async () => {
  const state = new RunState();
  const { worker, refreshes, finish } = fakeWorker(state, []);
  const config = {
    workerId: "w1",
    role: { kind: "head" } as const,
    leaseMs: 60_000,
    maxClaimAhead: 4,
    chunkSize: 2,
  };
  const claims = new ChunkClaims(config, state, plan, worker);
  const listedBefore: boolean[] = [];
  for (;;) {
    const next = await claims.next();
    if (typeof next !== "number") break;
    listedBefore.push(refreshes.includes(true));
    finish(next);
  }
  assert.deepEqual(listedBefore, [false, false, true, true]);
});
