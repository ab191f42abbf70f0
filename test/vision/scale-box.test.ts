/**
 * scaleBoxToSource against upstream's float32 scaling (`slicvit/cases.json` bbox_orig, also checked end to end
 * in heatmap.test.ts). Tolerance: exact float32 values.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { scaleBoxToSource } from "../../src/vision/scale-box.js";

test("scaleBoxToSource computes float32(float32(v * w) / 224) per coordinate (astronaut q0)", () => {
  const box = scaleBoxToSource([0, 112, 158, 223], { width: 224, height: 224 }, { width: 512, height: 512 });
  assert.deepEqual([...box], [0, 256, 361.1428527832031, 509.71429443359375]);
});

test("scaleBoxToSource scales x by widths and y by heights (coffee, 600×400)", () => {
  const box = scaleBoxToSource([21, 90, 223, 213], { width: 224, height: 224 }, { width: 600, height: 400 });
  assert.deepEqual([...box], [56.25, 160.7142791748047, 597.3214111328125, 380.3571472167969]);
});

test("scaleBoxToSource rejects malformed boxes and sizes", () => {
  const size = { width: 224, height: 224 };
  assert.throws(
    () => scaleBoxToSource([1, 2, 3] as never, size, size),
    /\[x1, y1, x2, y2\] of finite numbers for box/,
  );
  assert.throws(
    () => scaleBoxToSource([0, 0, 1, 1], size, { width: 0, height: 5 }),
    /positive sizes for toSize/,
  );
});
