// GRIT saves distorted and NYUv2 images with PIL's Image.save(path.jpg): quality 75, 4:2:0, IJG tables.
// Checked always from the JPEG's own markers, and, when /usr/bin/python3 has Pillow, by decoding PIL's
// and our file with PIL and requiring identical pixels. Input: fixture slic/astronaut_orig.png.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { saveLikePil } from "../../src/data/save-like-pil.js";
import { isGritlocError } from "../../src/errors.js";
import { decodeImage } from "../../src/vision/decode.js";
import type { RgbImage } from "../../src/vision/image.js";
import { fixturePath } from "../support/fixtures.js";

let dir: string;
let image: RgbImage;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "gritloc-pil-"));
  image = await decodeImage(fixturePath("slic", "astronaut_orig.png"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

// IJG / JPEG Annex K tables in natural order, and the zigzag order DQT segments use.
const LUMA = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22,
  29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103,
  121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const CHROMA = [
  17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99,
  99, 99, 99, 99, 99,
].concat(new Array(32).fill(99));
const ZIGZAG = [
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7,
  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46,
  53, 60, 61, 54, 47, 55, 62, 63,
];

/** libjpeg's jpeg_quality_scaling + jpeg_add_quant_table(force_baseline) at quality q, in zigzag order. */
function scaledTable(base: number[], q: number): number[] {
  const scale = q < 50 ? Math.floor(5000 / q) : 200 - 2 * q;
  return ZIGZAG.map((i) => Math.min(255, Math.max(1, Math.floor(((base[i] as number) * scale + 50) / 100))));
}

/** The DQT tables (by id) and SOF component sampling factors of a JPEG. */
function markers(jpeg: Uint8Array) {
  const tables = new Map<number, number[]>();
  let sof: { marker: number; sampling: string[] } | null = null;
  let p = 2;
  while (p < jpeg.length) {
    const marker = ((jpeg[p] as number) << 8) | (jpeg[p + 1] as number);
    const length = ((jpeg[p + 2] as number) << 8) | (jpeg[p + 3] as number);
    if (marker === 0xffdb) {
      for (let q = p + 4; q < p + 2 + length; q += 65)
        tables.set((jpeg[q] as number) & 15, [...jpeg.subarray(q + 1, q + 65)]);
    }
    if (marker >= 0xffc0 && marker <= 0xffc2) {
      const n = jpeg[p + 9] as number;
      const sampling = Array.from({ length: n }, (_, i) => {
        const s = jpeg[p + 11 + i * 3] as number;
        return `${s >> 4}x${s & 15}`;
      });
      sof = { marker, sampling };
    }
    if (marker === 0xffda) break;
    p += 2 + length;
  }
  return { tables, sof };
}

test("JPEGs are baseline, 4:2:0, with the standard tables scaled to PIL's default quality 75", async () => {
  const path = join(dir, "astronaut.jpg");
  await saveLikePil(image, path);
  const { tables, sof } = markers(new Uint8Array(await readFile(path)));
  assert.deepEqual(sof, { marker: 0xffc0, sampling: ["2x2", "1x1", "1x1"] });
  assert.deepEqual(tables.get(0), scaledTable(LUMA, 75));
  assert.deepEqual(tables.get(1), scaledTable(CHROMA, 75));
});

test("PNG paths are written losslessly and other extensions are refused", async () => {
  const path = join(dir, "astronaut.png");
  await saveLikePil(image, path);
  assert.deepEqual((await decodeImage(path)).data, image.data);
  await assert.rejects(saveLikePil(image, join(dir, "x.bmp")), (error: unknown) => {
    assert.ok(isGritlocError(error, "E_DATA_INVALID"));
    assert.match(error.message, /GRIT images are \.jpg or \.png, not "\.bmp"/);
    return true;
  });
});

function pillowAvailable(): boolean {
  return (
    existsSync("/usr/bin/python3") &&
    spawnSync("/usr/bin/python3", ["-c", "import PIL, numpy"], { stdio: "ignore" }).status === 0
  );
}

test("PIL decodes our quality-75 JPEG to exactly the pixels of PIL's own Image.save (max difference 0)", {
  skip: pillowAvailable() ? false : "no /usr/bin/python3 with Pillow here; the marker check above still ran",
}, async () => {
  const ours = join(dir, "ours.jpg");
  await saveLikePil(image, ours);
  await writeFile(join(dir, "raw.u8"), image.data);
  const script = [
    "import sys, numpy as np",
    "from PIL import Image",
    "d, w, h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])",
    "raw = np.fromfile(d + '/raw.u8', dtype=np.uint8).reshape(h, w, 3)",
    "Image.fromarray(raw).save(d + '/pil.jpg')",
    "a = np.asarray(Image.open(d + '/pil.jpg').convert('RGB')).astype(int)",
    "b = np.asarray(Image.open(d + '/ours.jpg').convert('RGB')).astype(int)",
    "print(int(np.abs(a - b).max()))",
  ].join("\n");
  const run = spawnSync("/usr/bin/python3", ["-c", script, dir, String(image.width), String(image.height)], {
    encoding: "utf8",
  });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), "0");
});
