/**
 * NYUv2 annotations: the labeled .mat writer's layout read back raw (h5py's (N, W, H) view, names as
 * references to uint16 chars), instance extents per (label, instance) pair on hand-drawn maps, and the
 * query/rule functions on them.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Hdf5Reader } from "../../src/data/hdf5-file.js";
import { writeLabeledMat } from "../../src/data/write-labeled-mat.js";
import { isGritlocError } from "../../src/errors.js";
import { resolveGtRules } from "../../src/gt/gt-rules.js";
import { instanceExtents, Nyuv2Annotations } from "../../src/gt/nyuv2-annotations.js";
import { nyuv2GroundTruth, resolveNyuv2Query } from "../../src/gt/nyuv2-ground-truth.js";
import { writeHdf5 } from "../data/support/h5-write.js";

let dir: string;
const W = 5;
const H = 4;
// Row-major maps (y·W + x) of one frame: label 2 instance 1 at (1..2, 0..1), label 2 instance 2 at (4, 3),
// label 1 with instance number 0 at (0, 2..3).
const labels = Uint16Array.from([0, 2, 2, 0, 0, 0, 2, 2, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 2]);
const instances = Uint8Array.from([0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "gritloc-nyugt-"));
  await writeLabeledMat(join(dir, "l.mat"), {
    width: W,
    height: H,
    images: [new Uint8Array(W * H * 3).map((_, i) => i % 251)],
    labels: [labels],
    instances: [instances],
    names: ["refridgerator", "unknown"],
  });
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("the written .mat has h5py's layout: labels/instances (N, W, H), images (N, 3, W, H), names a cell of strings", async () => {
  const reader = await Hdf5Reader.open(join(dir, "l.mat"));
  try {
    const l = reader.read("labels");
    assert.deepEqual([l.dtype, ...l.shape], ["uint16", 1, W, H]);
    // pixel (x=4, y=3) is at [0, 4, 3] = 4·H + 3
    assert.equal(l.data[4 * H + 3], 2);
    assert.equal(l.data[0 * H + 2], 1);
    assert.deepEqual([...reader.info("instances").shape], [1, W, H]);
    const images = reader.read("images");
    assert.deepEqual([...images.shape], [1, 3, W, H]);
    // channel 2 of pixel (x=1, y=2): row-major index (2·W + 1)·3 + 2 = 35
    assert.equal(images.data[(2 * W + 1) * H + 2], 35);
    assert.deepEqual(reader.readCellStrings("names"), ["refridgerator", "unknown"]);
    assert.throws(() => reader.readCellStrings("labels"), /"labels" is not a MATLAB cell array of strings/);
  } finally {
    reader.close();
  }
});

test("extents: one per (label, instance) pair with inclusive ends and pixel counts; label 0 ignored", async () => {
  const annotations = await Nyuv2Annotations.open(join(dir, "l.mat"));
  try {
    assert.deepEqual([annotations.count, annotations.width, annotations.height], [1, W, H]);
    assert.deepEqual(annotations.extents(1), [
      { label: 1, instance: 0, xMin: 0, yMin: 2, xMax: 0, yMax: 3, pixels: 2 },
      { label: 2, instance: 1, xMin: 1, yMin: 0, xMax: 2, yMax: 1, pixels: 4 },
      { label: 2, instance: 2, xMin: 4, yMin: 3, xMax: 4, yMax: 3, pixels: 1 },
    ]);
    assert.throws(
      () => annotations.extents(2),
      (error: unknown) => {
        assert.ok(isGritlocError(error, "E_DATA_INVALID"));
        assert.match(error.message, /nyuv2\/2\.jpg is asked for but .*l\.mat holds images 1–1/);
        return true;
      },
    );
  } finally {
    annotations.close();
  }
});

test("column-major maps give the same extents as reading them transposed by hand", () => {
  const colLabels = new Uint16Array(W * H);
  const colInstances = new Uint8Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      colLabels[x * H + y] = labels[y * W + x] as number;
      colInstances[x * H + y] = instances[y * W + x] as number;
    }
  assert.equal(instanceExtents(colLabels, colInstances, W, H).length, 3);
});

test("queries resolve to raw names (typos and 'unknown' included) and rules shape the boxes", async () => {
  const names = ["refridgerator", "unknown", "Unknown"];
  assert.deepEqual(resolveNyuv2Query(names, "refridgerator", "lowercase"), [1]);
  assert.deepEqual(resolveNyuv2Query(names, "refrigerator", "lowercase"), []);
  assert.deepEqual(resolveNyuv2Query(names, "unknown", "lowercase"), [2, 3]);
  assert.deepEqual(resolveNyuv2Query(names, "unknown", "exact"), [2]);
  const annotations = await Nyuv2Annotations.open(join(dir, "l.mat"));
  const extents = annotations.extents(1);
  annotations.close();
  assert.deepEqual(nyuv2GroundTruth(extents, [2], resolveGtRules()), [
    [1, 0, 2, 1],
    [4, 3, 4, 3],
  ]);
  assert.deepEqual(nyuv2GroundTruth(extents, [2], resolveGtRules({ nyuv2Boxes: "label" })), [[1, 0, 4, 3]]);
  assert.deepEqual(nyuv2GroundTruth(extents, [1], resolveGtRules({ nyuv2BoxEnd: "exclusive" })), [
    [0, 2, 1, 4],
  ]);
  assert.deepEqual(nyuv2GroundTruth(extents, [2], resolveGtRules({ nyuv2MinPixels: 2 })), [[1, 0, 2, 1]]);
  assert.deepEqual(nyuv2GroundTruth(extents, [3], resolveGtRules()), []);
});

test("a .mat without the annotation datasets, or with other shapes, is a clear error", async () => {
  await writeHdf5(join(dir, "images-only.mat"), [
    { name: "images", data: new Uint8Array(12), shape: [1, 3, 2, 2] },
  ]);
  await assert.rejects(Nyuv2Annotations.open(join(dir, "images-only.mat")), /has no dataset "labels"/);
  await writeHdf5(join(dir, "shapes.mat"), [
    { name: "labels", data: new Uint16Array(8), shape: [2, 2, 2] },
    { name: "instances", data: new Uint8Array(4), shape: [1, 2, 2] },
  ]);
  await assert.rejects(Nyuv2Annotations.open(join(dir, "shapes.mat")), (error: unknown) => {
    assert.ok(isGritlocError(error, "E_DATA_INVALID"));
    assert.match(error.message, /expected integer arrays of the same shape \[N, W, H\]/);
    return true;
  });
});
