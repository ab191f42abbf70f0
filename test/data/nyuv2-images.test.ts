import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { extractNyuv2Images, nyuv2ImageNumber } from "../../src/data/nyuv2-images.js";
import { saveLikePil } from "../../src/data/save-like-pil.js";
import { isGritlocError } from "../../src/errors.js";
import type { RgbImage } from "../../src/vision/image.js";
import { writeHdf5, writeMatV73 } from "./support/h5-write.js";

let dir: string;
const size = { n: 5, height: 12, width: 20 };
const pixel = (n: number, y: number, x: number, c: number) => (n * 40 + y * 9 + x * 5 + c * 70) % 256;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "gritloc-nyu-"));
  await writeMatV73(join(dir, "labeled.mat"), "images", size, pixel);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The H×W×3 image GRIT's save_nyuv2 builds for image number n: images[n-1].transpose → HWC. */
function expectedImage(n: number): RgbImage {
  const data = new Uint8Array(size.width * size.height * 3);
  for (let y = 0; y < size.height; y++)
    for (let x = 0; x < size.width; x++)
      for (let c = 0; c < 3; c++) data[(y * size.width + x) * 3 + c] = pixel(n - 1, y, x, c);
  return { width: size.width, height: size.height, data };
}

test("images n of a v7.3 .mat become n.jpg, transposed to H×W×3 and saved like PIL (byte-identical)", async () => {
  const out = join(dir, "nyuv2");
  const seen: number[] = [];
  const written = await extractNyuv2Images(join(dir, "labeled.mat"), "images", [2, 5], out, {
    onImage: (n) => seen.push(n),
  });
  assert.deepEqual(written, [join(out, "2.jpg"), join(out, "5.jpg")]);
  assert.deepEqual(seen, [2, 5]);
  for (const n of [2, 5]) {
    const reference = join(dir, `reference-${n}.jpg`);
    await saveLikePil(expectedImage(n), reference);
    assert.deepEqual(await readFile(join(out, `${n}.jpg`)), await readFile(reference), `image ${n}`);
  }
});

test("an image number beyond the file, or a dataset with another layout, is a clear error", async () => {
  await assert.rejects(
    extractNyuv2Images(join(dir, "labeled.mat"), "images", [6], join(dir, "x")),
    (error: unknown) => {
      assert.ok(isGritlocError(error, "E_DATA_INVALID"));
      assert.match(error.message, /the samples name nyuv2\/6\.jpg but .*labeled\.mat holds images 1–5/);
      return true;
    },
  );
  await writeHdf5(join(dir, "wrong.mat"), [
    { name: "images", data: new Float32Array(24), shape: [2, 3, 2, 2] },
  ]);
  await assert.rejects(
    extractNyuv2Images(join(dir, "wrong.mat"), "images", [1], join(dir, "x")),
    /"images" is float32 \[2, 3, 2, 2\], expected uint8 \[N, 3, W, H\]/,
  );
  await assert.rejects(
    extractNyuv2Images(join(dir, "labeled.mat"), "depths", [1], join(dir, "x")),
    /labeled\.mat has no dataset "depths"/,
  );
});

test("a NYUv2 image id names its 1-based frame number; another id names none (NaN)", () => {
  assert.equal(nyuv2ImageNumber("nyuv2/17.jpg", "nyuv2/"), 17);
  assert.equal(nyuv2ImageNumber("nyuv2/1449.jpg", "nyuv2/"), 1449);
  assert.ok(Number.isNaN(nyuv2ImageNumber("nyuv2/kitchen.jpg", "nyuv2/")));
});
