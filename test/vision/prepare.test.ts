/**
 * prepareImage: decode → PIL-exact resize → SLIC pyramid, on fixture photos (`slic/`, exact) and on odd inputs
 * generated here with sharp (grey, CMYK, 16-bit, RGBA, palette, 1×1, 6000×4000, EXIF-rotated).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import sharp, { type Sharp } from "sharp";
import { isGritlocError } from "../../src/errors.js";
import { type PrepareSpec, prepareDecoded, prepareImage } from "../../src/vision/prepare.js";
import { fixturePath, readI32, readU8 } from "../support/fixtures.js";
import { png16 } from "./png16.js";

const dir = mkdtempSync(join(tmpdir(), "gritloc-prepare-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const SPEC: PrepareSpec = {
  width: 224,
  height: 224,
  slic: { nSegments: [100, 350, 600], compactness: 50, sigma: 0 },
};

test("prepareImage of slic/coffee_orig.png gives the reference 224 image and label maps exactly", async () => {
  const prepared = await prepareImage(fixturePath("slic", "coffee_orig.png"), SPEC);
  assert.deepEqual(prepared.sourceSize, { width: 600, height: 400 });
  assert.deepEqual(prepared.resized.data, readU8("slic", "coffee_224.u8"));
  assert.equal(prepared.labelMaps.length, 3);
  for (const [k, n] of [100, 350, 600].entries()) {
    assert.deepEqual(prepared.labelMaps[k].labels, readI32("slic", `coffee_slic_n${n}.i32`), `n=${n}`);
  }
});

test("prepareImage without a slic spec only resizes (OWL-ViT style) and accepts encoded bytes", async () => {
  const bytes = await sharp(fixturePath("slic", "chelsea_orig.png")).png().toBuffer();
  const prepared = await prepareImage(bytes, { width: 224, height: 224 });
  assert.deepEqual(prepared.labelMaps, []);
  assert.deepEqual(prepared.resized.data, readU8("slic", "chelsea_224.u8"));
});

test("a spec without a size keeps the decoded source (RegionCLIP resizes by its shortest edge itself)", async () => {
  const prepared = await prepareImage(fixturePath("slic", "chelsea_orig.png"), {});
  const source = await sharp(fixturePath("slic", "chelsea_orig.png"))
    .raw()
    .toBuffer({ resolveWithObject: true });
  assert.deepEqual(prepared.sourceSize, { width: source.info.width, height: source.info.height });
  assert.deepEqual(
    [prepared.resized.width, prepared.resized.height],
    [source.info.width, source.info.height],
  );
  assert.deepEqual(Buffer.from(prepared.resized.data), source.data);
  assert.throws(
    () => prepareDecoded({ data: new Uint8Array(3), width: 1, height: 1 }, { width: 4 }),
    /Expected a positive integer for spec.height but received undefined/,
  );
});

/** Sources for the odd-input sweep, each written with sharp. */
async function oddInputs(): Promise<[string, string][]> {
  const w = 53;
  const h = 31;
  const rgb = Buffer.alloc(w * h * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 29 + (i >> 4)) & 255;
  const rgba = Buffer.alloc(w * h * 4);
  for (let i = 0; i < w * h; i++) rgba.set([rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2], i & 255], i * 4);
  const rgb16 = new Uint16Array(w * h * 3).map((_, i) => rgb[i] * 257);
  const input = sharp(rgb, { raw: { width: w, height: h, channels: 3 } });
  const files: [string, Sharp][] = [
    ["grey.png", input.clone().toColourspace("b-w").png()],
    ["cmyk.jpg", input.clone().toColourspace("cmyk").jpeg()],
    ["rgba.png", sharp(rgba, { raw: { width: w, height: h, channels: 4 } }).png()],
    ["palette.png", input.clone().png({ palette: true, colours: 16 })],
    ["one.png", sharp(Buffer.from([200, 30, 90]), { raw: { width: 1, height: 1, channels: 3 } }).png()],
    ["exif8.jpg", input.clone().jpeg().withMetadata({ orientation: 8 })],
  ];
  const out: [string, string][] = [];
  const rgb16Path = join(dir, "rgb16.png");
  writeFileSync(rgb16Path, png16(w, h, 3, rgb16));
  out.push(["rgb16.png", rgb16Path]);
  for (const [name, image] of files) {
    const path = join(dir, name);
    await image.toFile(path);
    out.push([name, path]);
  }
  return out;
}

test("prepareImage handles grey, CMYK, 16-bit, RGBA, palette, 1×1 and EXIF-rotated inputs", async () => {
  for (const [name, path] of await oddInputs()) {
    const prepared = await prepareImage(path, SPEC);
    const { width, height } = prepared.sourceSize;
    assert.deepEqual(
      [width, height],
      name === "one.png" ? [1, 1] : [53, 31],
      `${name}: stored size, never rotated`,
    );
    assert.equal(prepared.resized.data.length, 224 * 224 * 3, name);
    for (const map of prepared.labelMaps) {
      let max = 0;
      for (const v of map.labels) max = Math.max(max, v);
      assert.ok(map.count >= 1 && max === map.count, `${name}: labels 1..count`);
    }
    if (name === "one.png") {
      assert.ok(
        prepared.resized.data.every((v, i) => v === [200, 30, 90][i % 3]),
        "1×1 upscales to a flat image",
      );
    }
  }
});

test("prepareImage handles a 6000×4000 JPEG", async () => {
  const path = join(dir, "big.jpg");
  await sharp({ create: { width: 6000, height: 4000, channels: 3, background: "#1e8cdc" } })
    .composite([
      {
        input: { create: { width: 3000, height: 1000, channels: 3, background: "#f0a000" } },
        top: 1500,
        left: 2000,
      },
    ])
    .jpeg()
    .toFile(path);
  const prepared = await prepareImage(path, {
    width: 224,
    height: 224,
    slic: { nSegments: [100], compactness: 50, sigma: 0 },
  });
  assert.deepEqual(prepared.sourceSize, { width: 6000, height: 4000 });
  assert.equal(prepared.labelMaps[0].labels.length, 224 * 224);
});

test("prepareImage fails with E_IMAGE_DECODE naming a non-image file, and rejects bad specs first", async () => {
  const text = join(dir, "readme.png");
  writeFileSync(text, "hello");
  await assert.rejects(
    prepareImage(text, SPEC),
    (e: unknown) => isGritlocError(e, "E_IMAGE_DECODE") && e.message.includes(text),
  );
  await assert.rejects(
    prepareImage(text, { width: 0, height: 224 }),
    /Expected a positive integer for spec.width but received 0/,
  );
  await assert.rejects(prepareImage(text, null as never), /Expected a PrepareSpec object for spec/);
  assert.throws(
    () =>
      prepareDecoded(
        { data: new Uint8Array(3), width: 1, height: 1 },
        { width: 4, height: 4, slic: 5 as never },
      ),
    /Expected SLIC pyramid options or undefined for spec.slic/,
  );
});
