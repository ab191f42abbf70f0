/**
 * detectron2 DefaultAnchorGenerator semantics (src/models/regionclip/anchors.ts): cell anchors from the float64
 * formula rounded to float32, offset 0, (y, x, anchor) order. The fixture decoding test
 * (proposals.test.ts) checks the anchors of every stored candidate through `rpn.topk.box`.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ANCHOR_STRIDES,
  anchorCount,
  cellAnchors,
  gridAnchors,
  rpnAnchorLevels,
  writeAnchor,
} from "../../../src/models/regionclip/anchors.js";

test("cellAnchors(32) holds the aspect ratios 0.5, 1, 2 (h / w) centred on 0, as float32", () => {
  const w = Math.sqrt(1024 / 0.5); // 45.254833995939045
  const expected = [-w / 2, -w / 4, w / 2, w / 4, -16, -16, 16, 16, -w / 4, -w / 2, w / 4, w / 2].map(
    Math.fround,
  );
  assert.deepEqual([...cellAnchors(32)], expected);
});

test("grid anchors are shifted by (x, y) · stride with offset 0, location-major then anchor", () => {
  const [p2] = rpnAnchorLevels([
    { height: 2, width: 3 },
    { height: 1, width: 2 },
    { height: 1, width: 1 },
    { height: 1, width: 1 },
    { height: 1, width: 1 },
  ]);
  assert.equal(p2.stride, ANCHOR_STRIDES[0]);
  assert.equal(anchorCount(p2), 18);
  const all = gridAnchors(p2);
  const cell = cellAnchors(32);
  // index = (y · W + x) · A + a: y = 1, x = 2, a = 1 → 16.
  assert.deepEqual([...all.subarray(4 * 16, 4 * 17)], [8 - 16, 4 - 16, 8 + 16, 4 + 16]);
  assert.deepEqual([...all.subarray(0, 12)], [...cell]);
  const one = new Float32Array(4);
  writeAnchor(p2, 5, one, 0);
  assert.deepEqual([...one], [...all.subarray(20, 24)]);
  assert.deepEqual([...one], [4 + cell[8], cell[9], 4 + cell[10], cell[11]].map(Math.fround));
});

test("rpnAnchorLevels needs one feature map per level p2..p6", () => {
  assert.throws(() => rpnAnchorLevels([{ height: 1, width: 1 }]), /5 levels/);
});
