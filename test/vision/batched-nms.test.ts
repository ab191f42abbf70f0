/**
 * torchvision 0.14's CPU NMS rules: strict `iou > threshold`, descending score order with ties in index order,
 * per-class selection, and the coordinate-trick path (≤ 1,000 boxes) whose float32 shift can flip a near-tie.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { batchedNms, batchedNmsPath, nms } from "../../src/vision/batched-nms.js";

test("a box whose IoU equals the threshold is kept (suppression needs iou > threshold)", () => {
  // IoU of [0,0,10,10] and [0,0,10,5] is exactly 0.5.
  const boxes = Float32Array.of(0, 0, 10, 10, 0, 0, 10, 5, 0, 0, 10, 9);
  assert.deepEqual(nms(boxes, Float32Array.of(0.9, 0.8, 0.7), 0.5), [0, 1]);
});

test("equal scores are visited in index order and the kept list is best first", () => {
  const boxes = Float32Array.of(0, 0, 10, 10, 0, 0, 10, 10, 20, 20, 30, 30);
  assert.deepEqual(nms(boxes, Float32Array.of(0.5, 0.5, 0.9), 0.5), [2, 0]);
});

test("boxes of different classes never suppress each other, on both paths", () => {
  const one = [0, 0, 10, 10];
  for (const count of [3, 1200]) {
    const boxes = new Float32Array(count * 4);
    const scores = new Float32Array(count);
    const classes = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      boxes.set(i < 3 ? one : [100 + i, 100, 101 + i, 101], i * 4);
      scores[i] = 1 - i / (2 * count);
      classes[i] = i < 2 ? i : 0;
    }
    const kept = batchedNms(boxes, scores, classes, 0.5);
    assert.deepEqual(kept.slice(0, 2), [0, 1], `${batchedNmsPath(count)}: both classes keep their box`);
    assert.ok(!kept.includes(2), `${batchedNmsPath(count)}: the same-class duplicate is suppressed`);
    assert.equal(kept.length, count - 1);
  }
  assert.equal(batchedNmsPath(1000), "coordinate_trick");
  assert.equal(batchedNmsPath(1001), "vanilla");
});

test("the coordinate trick shifts boxes in float32, as torchvision does", () => {
  // max coordinate 1e6 - 1 → class 3's offset 3e6; at that magnitude float32 steps are 0.25, so the second
  // box's x2 = 10.1 + 3e6 rounds to 10.0 + 3e6 and its IoU with the first becomes exactly 1 (> 0.995).
  const boxes = Float32Array.of(0, 0, 10, 10, 0, 0, 10.1, 10, 999_998, 0, 999_999, 1);
  const scores = Float32Array.of(0.9, 0.8, 0.1);
  assert.deepEqual(nms(boxes, scores, 0.995, [0, 1]), [0, 1], "exact IoU 0.990 keeps both at 0.995");
  assert.deepEqual(batchedNms(boxes, scores, Int32Array.of(3, 3, 0), 0.995), [0, 2]);
});
