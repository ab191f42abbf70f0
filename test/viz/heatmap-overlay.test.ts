import assert from "node:assert/strict";
import { test } from "node:test";
import sharp from "sharp";
import type { Heatmap } from "../../src/vision/heatmap.js";
import type { RgbImage } from "../../src/vision/image.js";
import { infernoColorscale, infernoLut } from "../../src/viz/colormap.js";
import { blendHeatmap, heatmapOverlayPng } from "../../src/viz/heatmap-overlay.js";

/** A mid-grey 300×200 image (not square, so a width/height swap would show). */
function greyImage(width = 300, height = 200, level = 128): RgbImage {
  return { data: new Uint8Array(width * height * 3).fill(level), width, height };
}

/** A 224×224 heatmap that is 1 inside rows 20–79 × columns 140–219 and 0 elsewhere. */
function blockHeatmap(): Heatmap {
  const data = new Float32Array(224 * 224);
  for (let y = 20; y < 80; y++) for (let x = 140; x < 220; x++) data[y * 224 + x] = 1;
  return { data, width: 224, height: 224 };
}

function pixel(img: RgbImage, x: number, y: number): [number, number, number] {
  const o = (y * img.width + x) * 3;
  return [img.data[o], img.data[o + 1], img.data[o + 2]];
}

test("inferno runs from near-black to pale yellow, the LUT and the plotly colorscale agree", () => {
  const lut = infernoLut();
  assert.deepEqual(Array.from(lut.subarray(0, 3)), [0, 0, 4]);
  assert.deepEqual(Array.from(lut.subarray(765, 768)), [252, 255, 164]);
  const scale = infernoColorscale();
  assert.equal(scale.length, 17);
  assert.deepEqual(scale[0], [0, "rgb(0,0,4)"]);
  assert.deepEqual(scale[16], [1, "rgb(252,255,164)"]);
  // Perceptual: brightness (sum of channels) never decreases along the map.
  for (let i = 1; i < 256; i++) {
    const prev = lut[(i - 1) * 3] + lut[(i - 1) * 3 + 1] + lut[(i - 1) * 3 + 2];
    assert.ok(lut[i * 3] + lut[i * 3 + 1] + lut[i * 3 + 2] >= prev - 2, `brightness drops at level ${i}`);
  }
});

test("the overlay PNG has the image's size and the hot region is visibly hot (yellow-orange), the cold one is not", async () => {
  const img = greyImage();
  const png = await heatmapOverlayPng(img, blockHeatmap());
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.width, 300);
  assert.equal(info.height, 200);
  assert.equal(info.channels, 3);
  const out: RgbImage = { data: new Uint8Array(data), width: 300, height: 200 };
  // Centre of the hot block mapped to the 300×200 image: x = 180/224·300 ≈ 241, y = 50/224·200 ≈ 45.
  const [hr, hg, hb] = pixel(out, 241, 45);
  assert.ok(hr > 200 && hg > 200 && hb < hr - 50, `hot pixel should be pale yellow, got ${[hr, hg, hb]}`);
  // Far from it (x ≈ 50/224·300, y ≈ 180/224·200): darker than the grey input, no yellow cast.
  const [cr, cg, cb] = pixel(out, 67, 160);
  assert.ok(cr < 128 && cg < 128 && cb < 128, `cold pixel should be darkened grey, got ${[cr, cg, cb]}`);
  assert.ok(cr + cg > 2 * 40, `cold pixel keeps the photo visible, got ${[cr, cg, cb]}`);
});

test("blendHeatmap keeps the photo where the heat is 0 and a 3×3 heatmap is stretched over the whole image", () => {
  const img = greyImage(90, 60, 200);
  const data = new Float32Array(9);
  data[8] = 1; // bottom-right cell hot
  const out = blendHeatmap(img, { data, width: 3, height: 3 }, { opacity: 0.5 });
  // Heat 0 → weight 0.5·0.4 = 0.2 towards inferno black (0,0,4).
  assert.deepEqual(pixel(out, 5, 5), [160, 160, 161]);
  // Heat 1 in the bottom-right corner → weight 0.5 towards (252,255,164).
  assert.deepEqual(pixel(out, 89, 59), [226, 228, 182]);
});

test("values outside [0, 1] are clamped and NaN counts as cold", () => {
  const img = greyImage(2, 1, 100);
  const out = blendHeatmap(
    img,
    { data: new Float32Array([Number.NaN, 7]), width: 2, height: 1 },
    { opacity: 1 },
  );
  assert.deepEqual(pixel(out, 0, 0), [60, 60, 62]);
  assert.deepEqual(pixel(out, 1, 0), [252, 255, 164]);
});

test("a malformed heatmap or opacity is rejected with a message naming the field", () => {
  const img = greyImage(4, 4);
  assert.throws(() => blendHeatmap(img, { data: new Float32Array(3), width: 2, height: 2 }), {
    code: "E_INVALID_OPTION",
    message: "Expected width * height = 4 for heatmap.data.length but received 3 of type number",
  });
  assert.throws(() => blendHeatmap(img, { data: new Float32Array(4), width: 0, height: 4 }), {
    message: /heatmap\.width/,
  });
  assert.throws(() => blendHeatmap(img, blockHeatmap(), { opacity: 1.5 }), {
    message: "Expected a number from 0 to 1 for opacity but received 1.5 of type number",
  });
  assert.throws(() => blendHeatmap({ data: new Uint8Array(5), width: 4, height: 4 }, blockHeatmap()), {
    message: /image\.data\.length/,
  });
});
