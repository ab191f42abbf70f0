import assert from "node:assert/strict";
import { test } from "node:test";
import sharp from "sharp";
import { encodeJpeg, encodePng } from "../../src/vision/encode.js";
import type { RgbImage } from "../../src/vision/image.js";
import { fixturePath } from "../support/fixtures.js";

/** Decodes PNG/JPEG bytes back to RGB (independently of src/, with sharp directly). */
async function decode(bytes: Uint8Array): Promise<RgbImage & { format: string | undefined }> {
  const meta = await sharp(bytes).metadata();
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height, format: meta.format };
}

/** A 7×5 gradient: odd sizes catch row-stride mistakes. */
function gradient(width = 7, height = 5): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      data[o] = x * 30;
      data[o + 1] = y * 50;
      data[o + 2] = 255 - x * 10;
    }
  }
  return { data, width, height };
}

test("encodePng round-trips every pixel exactly (tiny gradient)", async () => {
  const img = gradient();
  const back = await decode(await encodePng(img));
  assert.equal(back.format, "png");
  assert.equal(back.width, 7);
  assert.equal(back.height, 5);
  assert.deepEqual(back.data, img.data);
});

test("encodePng round-trips a real photo exactly (fixture grit/examples/images/localization_0.png)", async () => {
  const { data, info } = await sharp(fixturePath("grit/examples/images/localization_0.png"))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const img: RgbImage = { data: new Uint8Array(data), width: info.width, height: info.height };
  const back = await decode(await encodePng(img));
  assert.equal(back.width, 640);
  assert.equal(back.height, 480);
  assert.deepEqual(back.data, img.data);
});

test("encodePng accepts a view into a larger buffer (byteOffset honoured)", async () => {
  const img = gradient();
  const big = new Uint8Array(img.data.length + 10);
  big.set(img.data, 10);
  const back = await decode(await encodePng({ ...img, data: big.subarray(10) }));
  assert.deepEqual(back.data, img.data);
});

test("encodePng resizes to the requested size first", async () => {
  const back = await decode(await encodePng(gradient(), { resize: { width: 3, height: 2 } }));
  assert.equal(back.width, 3);
  assert.equal(back.height, 2);
});

test("encodeJpeg is a JPEG close to the input (mean abs diff < 3 levels on a smooth 64×48 gradient)", async () => {
  const img = gradient(64, 48);
  for (let i = 0; i < img.data.length; i += 3) {
    const p = i / 3;
    img.data[i] = (p % 64) * 4;
    img.data[i + 1] = Math.floor(p / 64) * 5;
    img.data[i + 2] = 128;
  }
  const back = await decode(await encodeJpeg(img, { quality: 95 }));
  assert.equal(back.format, "jpeg");
  let sum = 0;
  for (let i = 0; i < img.data.length; i++) sum += Math.abs(back.data[i] - img.data[i]);
  assert.ok(sum / img.data.length < 3, `mean abs diff ${sum / img.data.length}`);
});

test("encodeJpeg rejects a quality outside 1–100 and names it", async () => {
  await assert.rejects(encodeJpeg(gradient(), { quality: 0 }), {
    code: "E_INVALID_OPTION",
    message: "Expected an integer from 1 to 100 for quality but received 0 of type number",
  });
  await assert.rejects(encodeJpeg(gradient(), { quality: 50.5 }), { code: "E_INVALID_OPTION" });
});

test("encodePng rejects data whose length does not match width × height × 3", async () => {
  await assert.rejects(encodePng({ data: new Uint8Array(10), width: 2, height: 2 }), {
    code: "E_INVALID_OPTION",
    message: "Expected width * height * 3 = 12 for image.data.length but received 10 of type number",
  });
});

test("encodePng rejects a non-integer width and a bad resize size", async () => {
  await assert.rejects(encodePng({ data: new Uint8Array(12), width: 2.5, height: 2 }), {
    code: "E_INVALID_OPTION",
    message: /image\.width/,
  });
  await assert.rejects(encodePng(gradient(), { resize: { width: 0, height: 2 } }), {
    code: "E_INVALID_OPTION",
    message: /resize\.width/,
  });
});
