import assert from "node:assert/strict";
import { test } from "node:test";
import sharp from "sharp";
import type { Heatmap } from "../../src/vision/heatmap.js";
import { infernoLut } from "../../src/viz/colormap.js";
import { heatmapLegendPng, legendBandLayout } from "../../src/viz/heatmap-legend.js";

const WIDTH = 640;
const HEIGHT = 400;

function gradientHeatmap(): Heatmap {
  const data = new Float32Array(224 * 224);
  for (let y = 0; y < 224; y++) for (let x = 0; x < 224; x++) data[y * 224 + x] = x / 223;
  return { data, width: 224, height: 224 };
}

async function rawPixels(png: Uint8Array) {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => {
    const o = (y * info.width + x) * info.channels;
    return [data[o], data[o + 1], data[o + 2]];
  };
  return { info, at };
}

test("the localize heatmap picture adds a legend band with an inferno colour bar from 0 to 1 below the image", async () => {
  const image = { data: new Uint8Array(WIDTH * HEIGHT * 3).fill(128), width: WIDTH, height: HEIGHT };
  const png = await heatmapLegendPng(image, gradientHeatmap(), { query: "a <dog> & cat" });
  const { info, at } = await rawPixels(png);
  const band = legendBandLayout(WIDTH);
  assert.equal(info.width, WIDTH);
  assert.equal(info.height, HEIGHT + band.height);
  const lut = infernoLut();
  const barMid = HEIGHT + band.bar.y + Math.floor(band.bar.h / 2);
  assert.deepEqual(at(band.bar.x, barMid), Array.from(lut.subarray(0, 3)), "the bar starts at inferno 0");
  assert.deepEqual(
    at(band.bar.x + band.bar.w - 1, barMid),
    Array.from(lut.subarray(765, 768)),
    "the bar ends at inferno 1",
  );
});

test("predicted boxes are drawn in red on the overlay, clipped to the image", async () => {
  const image = { data: new Uint8Array(WIDTH * HEIGHT * 3).fill(128), width: WIDTH, height: HEIGHT };
  const png = await heatmapLegendPng(image, gradientHeatmap(), {
    query: "dog",
    boxes: [
      [100, 50, 300, 250],
      [-20, -20, 2000, 2000],
    ],
  });
  const { at } = await rawPixels(png);
  assert.deepEqual(at(100, 150), [230, 25, 25], "left edge of the first box");
  assert.deepEqual(at(200, 250), [230, 25, 25], "bottom edge of the first box");
  assert.deepEqual(at(0, 200), [230, 25, 25], "the oversized box is clipped to the image border");
  assert.notDeepEqual(at(200, 150), [230, 25, 25], "the inside is not filled");
});
