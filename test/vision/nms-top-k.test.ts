/**
 * batchedNmsTopK equals batchedNms cut to k on both torchvision paths, including exact score ties and boxes
 * of many classes (seeded random sets).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { seededUniform } from "../../src/seeded-uniform.js";
import { batchedNms, batchedNmsTopK } from "../../src/vision/nms.js";

function randomSet(count: number, classes: number, seed: number) {
  const next = seededUniform(seed);
  const boxes = new Float32Array(count * 4);
  const scores = new Float32Array(count);
  const classIds = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const x = next() * 200;
    const y = next() * 200;
    boxes.set([x, y, x + 5 + next() * 60, y + 5 + next() * 60], i * 4);
    // Coarse scores: many exact ties.
    scores[i] = Math.round(next() * 50) / 50;
    classIds[i] = Math.floor(next() * classes);
  }
  return { boxes, scores, classIds };
}

test("batchedNmsTopK is batchedNms cut to k, on the per-class path and the coordinate trick", () => {
  for (const [count, classes, seed] of [
    [3000, 7, 1],
    [5000, 40, 2],
    [800, 5, 3],
    [1, 1, 4],
  ]) {
    const { boxes, scores, classIds } = randomSet(count, classes, seed);
    for (const threshold of [0.3, 0.5, 0.9]) {
      const full = batchedNms(boxes, scores, classIds, threshold);
      for (const k of [1, 300, count + 1]) {
        assert.deepEqual(
          batchedNmsTopK(boxes, scores, classIds, threshold, k),
          full.slice(0, k),
          `${count} boxes, ${classes} classes, IoU ${threshold}, k ${k}`,
        );
      }
    }
  }
  const empty = new Float32Array(0);
  assert.deepEqual(batchedNmsTopK(empty, empty, new Int32Array(0), 0.5, 300), new Int32Array(0));
});
