import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveRole } from "../../src/run/run-options.js";
import { parseShard, pickChunk, shardRange, type WorkerRole } from "../../src/run/worker-role.js";

function status(open: Iterable<number>, claimedByOthers: Iterable<number> = []) {
  const openSet = new Set(open);
  const claimed = new Set(claimedByOthers);
  return { isOpen: (c: number) => openSet.has(c), isFree: (c: number) => !claimed.has(c) };
}
const all = (n: number) => [...Array(n).keys()];

test("head takes the first open free chunk, tail the last", () => {
  assert.deepEqual(pickChunk({ kind: "head" }, 10, status(all(10), [0])), { kind: "claim", chunk: 1 });
  assert.deepEqual(pickChunk({ kind: "tail" }, 10, status(all(10), [9, 8])), { kind: "claim", chunk: 7 });
});

test("with only chunks claimed by others left, the worker waits for them; with none left it is finished", () => {
  assert.deepEqual(pickChunk({ kind: "head" }, 10, status([4, 6], [4, 6])), { kind: "wait", chunks: [4, 6] });
  assert.deepEqual(pickChunk({ kind: "tail" }, 10, status([])), { kind: "finished" });
});

test("shard ranges partition the chunks contiguously", () => {
  const ranges = [1, 2, 3, 4].map((k) => shardRange(k, 4, 10));
  assert.deepEqual(ranges, [
    [0, 2],
    [2, 5],
    [5, 7],
    [7, 10],
  ]);
});

test("a shard works its own range first, then the tail of the range with the most free work", () => {
  const shard2: WorkerRole = { kind: "shard", index: 2, count: 4, helpOthers: true };
  assert.deepEqual(pickChunk(shard2, 10, status(all(10))), { kind: "claim", chunk: 2 });
  // Own range [2,5) done; range 4 ([7,10)) has 3 free, range 1 has 2, range 3 has 1 free (6 claimed).
  assert.deepEqual(pickChunk(shard2, 10, status([0, 1, 5, 6, 7, 8, 9], [6])), { kind: "claim", chunk: 9 });
  const alone: WorkerRole = { ...shard2, helpOthers: false };
  assert.deepEqual(pickChunk(alone, 10, status([0, 1, 7])), { kind: "finished" });
});

test("shard and end options are checked with messages naming the option", () => {
  assert.deepEqual(parseShard("3/4"), { kind: "shard", index: 3, count: 4, helpOthers: true });
  assert.throws(
    () => parseShard("5/4"),
    /Expected a shard "k\/N" with 1 ≤ k ≤ N \(e\.g\. "2\/4"\) for shard but received "5\/4"/,
  );
  assert.throws(() => parseShard("0/4"), { code: "E_INVALID_OPTION" });
  assert.throws(() => parseShard("two"), { code: "E_INVALID_OPTION" });
  assert.throws(
    () => resolveRole({ end: "middle" as "head" }),
    /Expected "head" or "tail" for end but received "middle"/,
  );
  assert.throws(() => resolveRole({ end: "tail", shard: "1/2" }), /either end or shard, not both/);
  assert.deepEqual(resolveRole({}), { kind: "head" });
  assert.deepEqual(resolveRole({ shard: { index: 1, count: 2 }, helpOthers: false }), {
    kind: "shard",
    index: 1,
    count: 2,
    helpOthers: false,
  });
});
