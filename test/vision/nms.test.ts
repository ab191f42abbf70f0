/**
 * Float32 NMS with torchvision 0.14's CPU semantics (src/vision/nms.ts) on small inline cases: stable score order,
 * strict IoU threshold, per-class batching, and the size rule between per-class NMS and the coordinate trick.
 * (The RPN fixtures exercise it at scale in test/models/regionclip/proposals.test.ts.)
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { argsortDescending, batchedNms, CPU_VANILLA_NUMEL, nmsFloat32 } from "../../src/vision/nms.js";

const boxes = (...rows: number[][]) => Float32Array.from(rows.flat());

test("nmsFloat32 keeps boxes in score order and suppresses only IoU strictly above the threshold", () => {
  const b = boxes([0, 0, 10, 10], [0, 0, 10, 20], [1, 1, 10, 10], [20, 20, 30, 30]);
  // IoU(0, 1) = 0.5 exactly, IoU(0, 2) = 0.81.
  assert.deepEqual([...nmsFloat32(b, Float32Array.of(0.9, 0.8, 0.7, 0.6), 0.5)], [0, 1, 3]);
  assert.deepEqual([...nmsFloat32(b, Float32Array.of(0.9, 0.8, 0.7, 0.6), 0.49)], [0, 3]);
  assert.deepEqual([...nmsFloat32(b, Float32Array.of(0.6, 0.7, 0.8, 0.9), 0.5)], [3, 2, 1]);
});

test("nmsFloat32 breaks score ties by index and never suppresses with zero-area boxes (IoU 0/0)", () => {
  const b = boxes([0, 0, 10, 10], [0, 0, 10, 10], [5, 5, 5, 5], [5, 5, 5, 5]);
  assert.deepEqual([...nmsFloat32(b, Float32Array.of(1, 1, 2, 2), 0.5)], [2, 3, 0]);
  assert.deepEqual([...nmsFloat32(new Float32Array(0), new Float32Array(0), 0.5)], []);
});

test("argsortDescending puts NaN first and keeps index order on ties", () => {
  assert.deepEqual([...argsortDescending([1, Number.NaN, 2, 1])], [1, 2, 0, 3]);
  assert.deepEqual([...argsortDescending([1, 5, 2, 1], Int32Array.of(3, 0, 2))], [2, 0, 3]);
});

// Class 1's boxes are shifted by 1 · (1048575 + 1) = 2^20 in the coordinate trick, where float32 steps are
// 0.125: y2 = 11.1 becomes 11.125, and their IoU drops from 0.9009 (suppressed at 0.9) to 0.8989 (kept).
const near = boxes([0, 0, 10, 10], [0, 0, 10, 11.1], [0, 0, 1048575, 1]);
const nearScores = Float32Array.of(0.9, 0.8, 0.5);
const nearClasses = Int32Array.of(1, 1, 0);

test("batchedNms runs within each class and sorts the kept boxes by score", () => {
  const b = boxes([0, 0, 10, 10], [0, 0, 10, 10], [0, 0, 10, 10], [0, 0, 10, 10]);
  const kept = batchedNms(b, Float32Array.of(0.5, 0.9, 0.7, 0.8), Int32Array.of(0, 0, 1, 1), 0.5);
  assert.deepEqual([...kept], [1, 3]);
});

test("batchedNms reproduces the coordinate trick's float32 rounding for up to 1000 boxes, as torchvision does", () => {
  assert.deepEqual([...batchedNms(near, nearScores, nearClasses, 0.9)], [0, 1, 2]);
  assert.deepEqual([...batchedNms(near, nearScores, nearClasses, 0.9, "coordinate-trick")], [0, 1, 2]);
  assert.deepEqual([...batchedNms(near, nearScores, nearClasses, 0.9, "vanilla")], [0, 2]);
});

test("batchedNms switches to per-class NMS above 1000 boxes (numel > 4000 on the CPU)", () => {
  const pad = (count: number) => {
    const n = 3 + count;
    const b = new Float32Array(4 * n);
    b.set(near);
    const s = new Float32Array(n);
    s.set(nearScores);
    const c = new Int32Array(n);
    c.set(nearClasses);
    for (let i = 3; i < n; i++) {
      b.set([2 * i, 500, 2 * i + 1, 501], 4 * i); // disjoint unit boxes in class 2
      s[i] = 0.1;
      c[i] = 2;
    }
    return batchedNms(b, s, c, 0.9);
  };
  assert.equal(CPU_VANILLA_NUMEL, 4000);
  assert.deepEqual([...pad(997).subarray(0, 3)], [0, 1, 2]); // 1000 boxes: coordinate trick
  const vanilla = pad(998); // 1001 boxes: per class
  assert.deepEqual([...vanilla.subarray(0, 2)], [0, 2]);
  assert.equal(vanilla.length, 1000);
});
