import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { CORRUPTION_KINDS, CORRUPTIONS, corruptImage } from "../../src/proxy/corruptions.js";
import { seededUniform } from "../../src/seeded-uniform.js";
import { decodeImage } from "../../src/vision/decode.js";
import type { RgbImage } from "../../src/vision/image.js";

/** A seeded picture: smooth gradients plus a sharp square, so blur and noise have something to change. */
function picture(width: number, height: number, seed: number): RgbImage {
  const next = seededUniform(seed);
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++) {
        const square = x > 10 && x < 25 && y > 8 && y < 20 ? 200 : 0;
        data[(y * width + x) * 3 + c] = Math.min(
          255,
          ((x * 4 + y * 2 + c * 40 + square) % 256) + Math.floor(next() * 8),
        );
      }
  return { width, height, data };
}

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

test("every corruption gives the same bytes twice, and changes the picture", async () => {
  const image = picture(40, 30, 1);
  for (const kind of CORRUPTION_KINDS) {
    const a = await corruptImage(image, kind, 1234);
    const b = await corruptImage(image, kind, 1234);
    assert.equal(sha(a), sha(b), kind);
    const decoded = await decodeImage(a);
    assert.deepEqual([decoded.width, decoded.height], [40, 30], kind);
    assert.notDeepEqual(decoded.data, image.data, kind);
  }
});

test("only gaussian_noise depends on the seed", async () => {
  const image = picture(32, 24, 2);
  for (const kind of CORRUPTION_KINDS) {
    const same = sha(await corruptImage(image, kind, 1)) === sha(await corruptImage(image, kind, 2));
    assert.equal(same, kind !== "gaussian_noise", kind);
  }
});

test("brightness_contrast is the documented affine map; gaussian_noise has about the documented spread", async () => {
  const image = picture(48, 40, 3);
  const bc = await decodeImage(await corruptImage(image, "brightness_contrast", 0));
  const { contrast, brightness } = CORRUPTIONS.brightness_contrast;
  for (let i = 0; i < image.data.length; i += 97) {
    const v = image.data[i] as number;
    assert.equal(bc.data[i], Math.max(0, Math.min(255, Math.round((v - 128) * contrast + 128 + brightness))));
  }
  const noisy = await decodeImage(await corruptImage(image, "gaussian_noise", 9));
  let sum = 0;
  let sq = 0;
  let n = 0;
  for (let i = 0; i < image.data.length; i++) {
    const v = image.data[i] as number;
    if (v < 70 || v > 185) continue; // away from clipping
    const d = (noisy.data[i] as number) - v;
    sum += d;
    sq += d * d;
    n++;
  }
  const mean = sum / n;
  const sd = Math.sqrt(sq / n - mean * mean);
  // 12-uniform Irwin–Hall has unit variance; ± 10 % covers the sample error of a few thousand values.
  assert.ok(Math.abs(mean) < 1.5, `mean ${mean}`);
  assert.ok(Math.abs(sd - CORRUPTIONS.gaussian_noise.sigma) < 2, `sd ${sd}`);
});

test("gaussian_blur keeps a flat picture flat and spreads an edge over about ±2σ", async () => {
  const flat: RgbImage = { width: 20, height: 20, data: new Uint8Array(20 * 20 * 3).fill(77) };
  const blurredFlat = await decodeImage(await corruptImage(flat, "gaussian_blur", 0));
  assert.ok(blurredFlat.data.every((v) => v === 77));
  const edge: RgbImage = { width: 30, height: 4, data: new Uint8Array(30 * 4 * 3) };
  for (let y = 0; y < 4; y++)
    for (let x = 15; x < 30; x++) edge.data.fill(255, (y * 30 + x) * 3, (y * 30 + x) * 3 + 3);
  const row = (await decodeImage(await corruptImage(edge, "gaussian_blur", 0))).data
    .filter((_, i) => i % 3 === 0)
    .slice(0, 30);
  assert.equal(row[5], 0);
  assert.equal(row[25], 255);
  assert.ok((row[14] as number) > 60 && (row[14] as number) < 128, `${row[14]}`);
  assert.ok((row[15] as number) > 128 && (row[15] as number) < 196, `${row[15]}`);
});
