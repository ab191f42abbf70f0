/**
 * decodeImage on odd inputs generated here with sharp: the result must be what PIL's
 * `Image.open(f).convert("RGB")` gives (Pillow 9.4 rules: alpha dropped, PIL's CMYK formula, 16-bit high byte
 * or "I"-mode clipping, no EXIF rotation, no ICC transform). Every case was also cross-checked against Pillow
 * 9.4 itself while porting (see the vision report). Tolerance: exact.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import sharp, { type Sharp } from "sharp";
import { isGritlocError } from "../../src/errors.js";
import { decodeImage } from "../../src/vision/decode.js";
import { png16 } from "./png16.js";

const dir = mkdtempSync(join(tmpdir(), "gritloc-decode-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const W = 37;
const H = 23;

/** A deterministic RGB pattern (odd sizes catch stride mistakes). */
function pattern(channels: number, width = W, height = H): Buffer {
  const data = Buffer.alloc(width * height * channels);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + (i >> 3) * 11) & 255;
  return data;
}

function raw(channels: 1 | 2 | 3 | 4, width = W, height = H) {
  return { raw: { width, height, channels } };
}

async function write(name: string, image: Sharp): Promise<string> {
  const path = join(dir, name);
  await image.toFile(path);
  return path;
}

test("a grey PNG and a grey JPEG decode to R = G = B = the grey value", async () => {
  for (const [name, format] of [
    ["grey.png", "png"],
    ["grey.jpg", "jpeg"],
  ] as const) {
    const path = await write(name, sharp(pattern(1), raw(1)).toColourspace("b-w").toFormat(format));
    const grey = await sharp(path).toColourspace("b-w").raw().toBuffer();
    const image = await decodeImage(path);
    assert.equal(image.data.length, W * H * 3);
    for (let i = 0; i < W * H; i++) {
      assert.deepEqual(
        [...image.data.subarray(i * 3, i * 3 + 3)],
        [grey[i], grey[i], grey[i]],
        `${name} pixel ${i}`,
      );
    }
  }
});

test("a CMYK JPEG converts with PIL's cmyk2rgb formula, not an ICC transform", async () => {
  const path = await write("cmyk.jpg", sharp(pattern(3), raw(3)).toColourspace("cmyk").jpeg());
  const cmyk = await sharp(path, { ignoreIcc: true })
    .pipelineColourspace("cmyk")
    .toColourspace("cmyk")
    .raw()
    .toBuffer();
  const image = await decodeImage(path);
  // Pillow 9.4 Convert.c cmyk2rgb: nk = 255 - k; out = clip8(nk - round(c * nk / 255)) with MULDIV255.
  const mulDiv255 = (a: number, b: number) => {
    const t = a * b + 128;
    return ((t >> 8) + t) >> 8;
  };
  for (let i = 0; i < W * H; i++) {
    const nk = 255 - cmyk[i * 4 + 3];
    const expected = [0, 1, 2].map((j) => Math.max(0, nk - mulDiv255(cmyk[i * 4 + j], nk)));
    assert.deepEqual([...image.data.subarray(i * 3, i * 3 + 3)], expected, `pixel ${i}`);
  }
  const icc = await sharp(path).removeAlpha().raw().toBuffer();
  assert.notDeepEqual(Buffer.from(image.data), icc, "sharp's own CMYK→sRGB (ICC) differs from PIL's formula");
});

test("a 16-bit RGB PNG keeps the high byte; a 16-bit grey PNG clips to 0..255 (PIL mode I)", async () => {
  const rgb16 = new Uint16Array(W * H * 3).map((_, i) => (i * 4099 + 7) & 0xffff);
  const rgbPath = join(dir, "rgb16.png");
  writeFileSync(rgbPath, png16(W, H, 3, rgb16));
  const rgb = await decodeImage(rgbPath);
  assert.deepEqual(
    [...rgb.data],
    [...rgb16].map((v) => v >> 8),
  );

  const grey16 = new Uint16Array(W * H).map((_, i) => (i * 7) & 0x3ff);
  const greyPath = join(dir, "grey16.png");
  writeFileSync(greyPath, png16(W, H, 1, grey16));
  const grey = await decodeImage(greyPath);
  for (let i = 0; i < W * H; i++) {
    const v = Math.min(255, grey16[i]);
    assert.deepEqual([...grey.data.subarray(i * 3, i * 3 + 3)], [v, v, v], `grey pixel ${i}`);
  }
});

test("an RGBA PNG drops alpha without compositing, even where alpha is 0", async () => {
  const rgba = pattern(4);
  for (let i = 0; i < W * H; i += 5) rgba[i * 4 + 3] = 0;
  const image = await decodeImage(await write("rgba.png", sharp(rgba, raw(4)).png()));
  for (let i = 0; i < W * H; i++) {
    assert.deepEqual(
      [...image.data.subarray(i * 3, i * 3 + 3)],
      [...rgba.subarray(i * 4, i * 4 + 3)],
      `pixel ${i}`,
    );
  }
});

test("a palette PNG expands to its palette colours", async () => {
  // Eight distinct colours fit the palette exactly, so the expansion must reproduce the source.
  const rgb = Buffer.alloc(W * H * 3);
  for (let i = 0; i < W * H; i++) {
    const c = i % 8;
    rgb[i * 3] = c & 1 ? 200 : 10;
    rgb[i * 3 + 1] = c & 2 ? 180 : 30;
    rgb[i * 3 + 2] = c & 4 ? 160 : 50;
  }
  const path = await write("palette.png", sharp(rgb, raw(3)).png({ palette: true, colours: 8, dither: 0 }));
  assert.equal((await sharp(path).metadata()).isPalette, true);
  assert.deepEqual(Buffer.from((await decodeImage(path)).data), rgb);
});

test("EXIF orientation is not applied: an orientation-6 JPEG decodes to its stored pixels", async () => {
  const plain = await write("plain.jpg", sharp(pattern(3), raw(3)).jpeg({ quality: 90 }));
  const rotated = await write(
    "exif6.jpg",
    sharp(pattern(3), raw(3)).jpeg({ quality: 90 }).withMetadata({ orientation: 6 }),
  );
  assert.equal((await sharp(rotated).metadata()).orientation, 6);
  const image = await decodeImage(rotated);
  assert.deepEqual([image.width, image.height], [W, H]);
  assert.deepEqual(image.data, (await decodeImage(plain)).data);
});

test("a 1×1 image and a 6000×4000 JPEG decode at their stored size", async () => {
  const one = await decodeImage(await write("one.png", sharp(Buffer.from([9, 99, 199]), raw(3, 1, 1)).png()));
  assert.deepEqual([one.width, one.height, ...one.data], [1, 1, 9, 99, 199]);
  const big = await write(
    "big.jpg",
    sharp({
      create: { width: 6000, height: 4000, channels: 3, background: { r: 30, g: 140, b: 220 } },
    }).jpeg(),
  );
  const image = await decodeImage(big);
  assert.deepEqual([image.width, image.height, image.data.length], [6000, 4000, 6000 * 4000 * 3]);
});

async function assertDecodeError(source: string | Uint8Array, name: string): Promise<void> {
  await assert.rejects(decodeImage(source, { name }), (error: unknown) => {
    assert.ok(isGritlocError(error, "E_IMAGE_DECODE"), String(error));
    assert.ok(error.message.includes(`Cannot decode image ${name}:`), error.message);
    assert.ok(error.message.includes("download it again"), error.message);
    assert.deepEqual(error.details, { file: name });
    return true;
  });
}

test("a truncated JPEG, a non-image file and a missing file fail with E_IMAGE_DECODE naming the file", async () => {
  const jpeg = await sharp(pattern(3, 300, 200), raw(3, 300, 200))
    .jpeg()
    .toBuffer();
  const truncated = join(dir, "truncated.jpg");
  writeFileSync(truncated, jpeg.subarray(0, Math.floor(jpeg.length * 0.6)));
  await assertDecodeError(truncated, truncated);
  const text = join(dir, "notes.jpg");
  writeFileSync(text, "not an image\n");
  await assertDecodeError(text, text);
  const missing = join(dir, "missing.jpg");
  await assertDecodeError(missing, missing);
});

test("a buffer input is named by options.name in errors", async () => {
  await assertDecodeError(new TextEncoder().encode("GIF? no"), "sample-17");
});

test("decodeImage rejects a source that is neither a path nor bytes", async () => {
  await assert.rejects(
    decodeImage(42 as never),
    /Expected a file path or a Uint8Array of encoded image bytes for source but received 42/,
  );
});
