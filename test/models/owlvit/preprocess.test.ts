import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { isGritlocError } from "../../../src/errors.js";
import {
  defaultOwlVitPreprocessing,
  owlVitPixelValues,
  parseOwlVitPreprocessing,
} from "../../../src/models/owlvit/preprocess.js";
import { prepareImage } from "../../../src/vision/prepare.js";
import { fixturePath } from "../../support/fixtures.js";
import {
  fixturePreparedImage,
  owlVitCases,
  owlVitFixtureFolders,
  readF32,
} from "./support/owlvit-fixture.js";

for (const folder of owlVitFixtureFolders()) {
  test(`${folder}: pixel_values rebuilt from resized.u8 are bit-identical (sha256 of the float32 bytes)`, () => {
    const cases = owlVitCases(folder);
    const preprocessing = parseOwlVitPreprocessing(
      readFileSync(fixturePath(folder, "preprocessor_config.json"), "utf8"),
      "preprocessor_config.json",
      cases.pixel_values_stats.shape[2],
    );
    const pixels = owlVitPixelValues(fixturePreparedImage(folder).resized, preprocessing);
    const sha = createHash("sha256").update(new Uint8Array(pixels.buffer)).digest("hex");
    assert.equal(sha, cases.pixel_values_stats.sha256_f32le);
    // And the stored first 32 rows of every channel, exactly.
    const size = preprocessing.size;
    const rows = readF32(folder, "pixel_values_rows0_31.f32");
    for (let c = 0; c < 3; c++) {
      const ours = pixels.subarray(c * size * size, c * size * size + 32 * size);
      assert.deepEqual(ours, rows.subarray(c * 32 * size, (c + 1) * 32 * size));
    }
  });
}

for (const folder of owlVitFixtureFolders()) {
  test(`${folder}: the prepare path (decode + PIL-exact bicubic resize to image_size²) reproduces resized.u8`, async () => {
    const cases = owlVitCases(folder);
    const expected = fixturePreparedImage(folder);
    const size = expected.resized.width;
    const prepared = await prepareImage(fixturePath(folder, cases.image), { width: size, height: size });
    assert.deepEqual(prepared.sourceSize, expected.sourceSize);
    // The fixture README allows ±1–2 grey levels for a non-PIL resize; ours is a Pillow port, so: exact.
    assert.ok(
      Buffer.from(prepared.resized.data).equals(Buffer.from(expected.resized.data)),
      "resized pixels differ",
    );
  });
}

test("the preprocessor config's defaults are CLIP's mean/std and 1/255 at the model's size", () => {
  const p = parseOwlVitPreprocessing("{}", "p.json", 768);
  assert.deepEqual(p, defaultOwlVitPreprocessing(768));
  // Old feature-extractor configs give sizes as plain integers.
  assert.equal(
    parseOwlVitPreprocessing('{"size": 840, "crop_size": 840, "do_center_crop": true}', "p", 840).size,
    840,
  );
});

const bad: [string, string, RegExp][] = [
  ["not json", "{", /p\.json: not valid JSON/],
  [
    "a size that is not the model's",
    '{"size": {"height": 224, "width": 224}}',
    /size 224 differs from the model's image_size 768/,
  ],
  [
    "a non-square size",
    '{"size": {"height": 768, "width": 512}}',
    /size must be one integer or \{height, width\}/,
  ],
  ["another resample filter", '{"resample": 2}', /only 3 \(PIL BICUBIC\)/],
  ["normalisation switched off", '{"do_normalize": false}', /do_normalize is false/],
  [
    "a crop that changes the image",
    '{"do_center_crop": true, "crop_size": 512}',
    /center crop to 512 after resizing to 768/,
  ],
  ["a short mean", '{"image_mean": [0.5, 0.5]}', /image_mean must be a list of 3 numbers/],
  ["a zero std", '{"image_std": [0.2, 0, 0.2]}', /image_std must be a list of 3 positive numbers/],
];
for (const [what, json, message] of bad) {
  test(`a preprocessor config with ${what} is E_WEIGHTS_INVALID naming the file`, () => {
    assert.throws(
      () => parseOwlVitPreprocessing(json, "p.json", 768),
      (e: unknown) => isGritlocError(e, "E_WEIGHTS_INVALID") && message.test(e.message),
    );
  });
}

test("pixel values of an image that is not image_size² are refused with the expected size", () => {
  const image = { width: 4, height: 2, data: new Uint8Array(24) };
  assert.throws(
    () => owlVitPixelValues(image, defaultOwlVitPreprocessing(768)),
    (e: unknown) =>
      isGritlocError(e, "E_INVALID_OPTION") && /a 768×768 image .* received "4×2"/.test(e.message),
  );
});

test("pixel values are channel-first: [R plane, G plane, B plane]", () => {
  const data = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0]);
  const px = owlVitPixelValues({ width: 2, height: 2, data }, { ...defaultOwlVitPreprocessing(2) });
  const fr = Math.fround;
  const hi = (c: number) =>
    fr(fr(1 - fr([0.48145466, 0.4578275, 0.40821073][c])) / fr([0.26862954, 0.26130258, 0.27577711][c]));
  assert.equal(px[0], hi(0)); // R of pixel 0
  assert.equal(px[4 + 1], hi(1)); // G of pixel 1
  assert.equal(px[8 + 2], hi(2)); // B of pixel 2
});
