/**
 * resizeBicubic against Pillow 9.4 (fixtures `resize/` and `slic/*_224.u8`, tolerance: exact). resizeBilinear's
 * Pillow parity (upscaling) is checked on the RegionCLIP runs (test/models/regionclip/preprocess.test.ts); here,
 * its triangle taps, including the widened support when downscaling, on rows with known fixed-point results.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeImage } from "../../src/vision/decode.js";
import type { RgbImage } from "../../src/vision/image.js";
import { resizeBicubic, resizeBilinear } from "../../src/vision/resize.js";
import { fixturePath, readU8 } from "../support/fixtures.js";

function countDifferent(a: Uint8Array, b: Uint8Array): number {
  assert.equal(a.length, b.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

const RESIZE_CASES: readonly [source: string, expected: string][] = [
  ["slic/astronaut_orig.png", "resize/astronaut_bicubic224.u8"],
  ["slic/coffee_orig.png", "resize/coffee_bicubic224.u8"],
  ["slic/grit_localization_0_orig.png", "resize/grit_localization_0_bicubic224.u8"],
  // 120×90 → 224×224: the upscaling case.
  ["resize/chelsea_crop.png", "resize/chelsea_crop_bicubic224.u8"],
];

for (const [source, expected] of RESIZE_CASES) {
  test(`resizeBicubic(${source}) equals PIL's bicubic 224×224 exactly (${expected})`, async () => {
    const image = await decodeImage(fixturePath(...source.split("/")));
    const out = resizeBicubic(image, 224, 224);
    assert.equal(out.width, 224);
    assert.equal(out.height, 224);
    assert.equal(countDifferent(out.data, readU8(...expected.split("/"))), 0);
  });
}

for (const name of ["astronaut", "coffee", "chelsea", "grit_localization_0", "grit_refexp_0"]) {
  test(`resizeBicubic of slic/${name}_orig.png equals slic/${name}_224.u8 exactly`, async () => {
    const image = await decodeImage(fixturePath("slic", `${name}_orig.png`));
    const out = resizeBicubic(image, 224, 224);
    assert.equal(countDifferent(out.data, readU8("slic", `${name}_224.u8`)), 0);
  });
}

function constant(width: number, height: number, value: number): RgbImage {
  return { data: new Uint8Array(width * height * 3).fill(value), width, height };
}

test("resizeBicubic keeps a constant image constant on every path (both axes, one axis, none)", () => {
  for (const [w, h] of [
    [224, 224],
    [5, 3],
    [7, 224],
    [224, 9],
  ]) {
    const out = resizeBicubic(constant(5, 3, 200), w, h);
    assert.equal(out.data.length, w * h * 3);
    assert.ok(
      out.data.every((v) => v === 200),
      `${w}×${h}`,
    );
  }
});

test("resizeBicubic to the same size returns an equal copy, not the input buffer", () => {
  const image = { data: Uint8Array.from({ length: 4 * 2 * 3 }, (_, i) => i * 9), width: 4, height: 2 };
  const out = resizeBicubic(image, 4, 2);
  assert.deepEqual(out.data, image.data);
  assert.notEqual(out.data, image.data);
});

test("resizeBicubic of a 1×1 image fills the output with its colour", () => {
  const out = resizeBicubic({ data: Uint8Array.of(10, 120, 250), width: 1, height: 1 }, 3, 2);
  assert.deepEqual(
    [...out.data],
    [10, 120, 250, 10, 120, 250, 10, 120, 250, 10, 120, 250, 10, 120, 250, 10, 120, 250],
  );
});

test("resizeBicubic rejects bad sizes and malformed images with messages naming the field", () => {
  const image = constant(2, 2, 0);
  assert.throws(() => resizeBicubic(image, 0, 5), /Expected a positive integer for width but received 0/);
  assert.throws(
    () => resizeBicubic(image, 5, 2.5),
    /Expected a positive integer for height but received 2.5/,
  );
  assert.throws(
    () => resizeBicubic({ data: new Uint8Array(5), width: 2, height: 2 }, 4, 4),
    /Expected width \* height \* 3 = 12 for image.data.length but received 5/,
  );
  assert.throws(
    () => resizeBicubic({ data: [1, 2, 3] as unknown as Uint8Array, width: 1, height: 1 }, 4, 4),
    /Expected a Uint8Array for image.data/,
  );
});

/** A one-row image whose three channels all hold `values`. */
function grayRow(values: readonly number[]): RgbImage {
  return { data: Uint8Array.from(values.flatMap((v) => [v, v, v])), width: values.length, height: 1 };
}

const ROW = [0, 255, 17, 200, 90, 91, 3, 250, 128, 64, 1, 254];

test("resizeBilinear halving a row uses the widened triangle taps 1/8, 3/8, 3/8, 1/8 (Pillow's antialiasing)", () => {
  const out = resizeBilinear(grayRow(ROW), ROW.length / 2, 1);
  // Output i is centred on input 2i + 1 with support 2; the first output's taps are cut at the border.
  for (let i = 1; i < ROW.length / 2 - 1; i++) {
    const [a, b, c, d] = ROW.slice(2 * i - 1, 2 * i + 3);
    assert.equal(out.data[3 * i], (a + 3 * b + 3 * c + d + 4) >> 3, `output ${i}`);
  }
});

test("resizeBilinear doubling a column interpolates 3/4 + 1/4 between neighbours, vertically as horizontally", () => {
  const column: RgbImage = { ...grayRow(ROW), width: 1, height: ROW.length };
  const wide = resizeBilinear(grayRow(ROW), 2 * ROW.length, 1);
  const tall = resizeBilinear(column, 1, 2 * ROW.length);
  assert.deepEqual(tall.data, wide.data);
  for (let k = 0; k < ROW.length - 1; k++) {
    assert.equal(wide.data[3 * (2 * k + 1)], (3 * ROW[k] + ROW[k + 1] + 2) >> 2, `output ${2 * k + 1}`);
    assert.equal(wide.data[3 * (2 * k + 2)], (ROW[k] + 3 * ROW[k + 1] + 2) >> 2, `output ${2 * k + 2}`);
  }
});

test("resizeBilinear keeps a constant image constant when shrinking and enlarging", () => {
  for (const [w, h] of [
    [2, 1],
    [11, 7],
    [5, 9],
  ]) {
    const out = resizeBilinear(constant(5, 3, 77), w, h);
    assert.ok(
      out.data.every((v) => v === 77),
      `${w}×${h}`,
    );
  }
});
