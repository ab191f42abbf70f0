/**
 * RegionCLIP pre-processing against the reference fixtures (`regionclip/cases.json` runs, tier A, exact):
 * PIL-bilinear ResizeShortestEdge pixels, the padded BGR RPN input and the CLIP input, by sha256 of the bytes.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { clipPixelValues } from "../../../src/models/clip/preprocess.js";
import {
  paddedSize,
  preprocessRegionClip,
  resizeShortestEdgeSize,
} from "../../../src/models/regionclip/preprocess.js";
import { decodeImage } from "../../../src/vision/decode.js";
import { fixturePath } from "../../support/fixtures.js";
import { type RegionClipRun, regionClipRuns } from "./support/fixture-runs.js";

function sha256(data: ArrayBufferView): string {
  return createHash("sha256")
    .update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    .digest("hex");
}

const baseRuns = regionClipRuns().filter((r: RegionClipRun) => r.kind === "base");

test("the fixtures hold base runs to check", () => {
  assert.ok(baseRuns.length > 0);
});

for (const run of baseRuns) {
  test(`${run.id}: resize, RPN input and CLIP input equal the reference bit for bit`, async () => {
    const image = await decodeImage(fixturePath("regionclip", run.image));
    assert.deepEqual([image.height, image.width], run.orig_hw);
    const input = preprocessRegionClip(image);
    assert.deepEqual([input.resized.height, input.resized.width], run.resized_hw);
    assert.equal(sha256(input.resized.data), run.resized_sha256_u8_hwc, "resized pixels");
    const png = await decodeImage(fixturePath("regionclip", run.resized_png));
    assert.ok(Buffer.from(png.data).equals(Buffer.from(input.resized.data)), "resized pixels vs the PNG");
    assert.deepEqual([1, 3, input.paddedSize.height, input.paddedSize.width], run.rpn_input.shape);
    assert.equal(sha256(input.rpnInput), run.rpn_input.sha256_f32_le, "RPN input");
    const clip = clipPixelValues(input.resized);
    assert.deepEqual([1, 3, input.resized.height, input.resized.width], run.clip_input.shape);
    assert.equal(sha256(clip), run.clip_input.sha256_f32_le, "CLIP input");
  });
}

test("resizeShortestEdgeSize caps the long side at 1333 and rounds with int(x + 0.5)", () => {
  assert.deepEqual(resizeShortestEdgeSize({ width: 1920, height: 1080 }), { width: 1333, height: 750 });
  assert.deepEqual(resizeShortestEdgeSize({ width: 100, height: 140 }), { width: 800, height: 1120 });
  assert.deepEqual(resizeShortestEdgeSize({ width: 500, height: 331 }), { width: 1208, height: 800 });
  assert.deepEqual(resizeShortestEdgeSize({ width: 640, height: 640 }), { width: 800, height: 800 });
  // 1333·(200/3000) = 88.87 → 89.
  assert.deepEqual(resizeShortestEdgeSize({ width: 200, height: 3000 }), { width: 89, height: 1333 });
});

test("paddedSize rounds each side up to a multiple of 32", () => {
  assert.deepEqual(paddedSize({ width: 1068, height: 800 }), { width: 1088, height: 800 });
  assert.deepEqual(paddedSize({ width: 1, height: 33 }), { width: 32, height: 64 });
});

test("the RPN input is BGR minus the mean, zero-padded bottom/right after the normalisation", () => {
  // A constant 4×3 image → 1067×800 → padded 1088×800.
  const pixel = [250, 100, 7];
  const image = { data: new Uint8Array(Array.from({ length: 12 }, () => pixel).flat()), width: 4, height: 3 };
  const input = preprocessRegionClip(image);
  assert.deepEqual(input.resized, { ...input.resized, width: 1067, height: 800 });
  assert.deepEqual(input.paddedSize, { width: 1088, height: 800 });
  const plane = 1088 * 800;
  // float32 x − float32(mean), as torch subtracts the float32 pixel_mean buffer.
  const fr = Math.fround;
  const bgr = [fr(pixel[2] - fr(103.53)), fr(pixel[1] - fr(116.28)), fr(pixel[0] - fr(123.675))];
  for (let c = 0; c < 3; c++) {
    const lastRow = c * plane + 799 * 1088;
    assert.equal(input.rpnInput[lastRow + 1066], bgr[c], `channel ${c} last pixel`);
    assert.equal(input.rpnInput[lastRow + 1067], 0, `channel ${c} first padding pixel`);
  }
});
