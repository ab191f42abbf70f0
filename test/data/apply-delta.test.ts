// Distortion parity with allenai/grit_official generate_distortions.py:
//   dist = (np.asarray(img) + delta).astype(np.uint8)
// Expected bytes come from /usr/bin/python3 + NumPy when present (exact equality), and always from the
// hand-computed table below (wraparound, negatives, float truncation and float32 rounding cases).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { applyDistortionDelta, floatToUint8 } from "../../src/data/apply-delta.js";
import { Hdf5Reader, type NumericArray, type NumericDtype } from "../../src/data/hdf5-file.js";
import { isGritlocError } from "../../src/errors.js";
import type { RgbImage } from "../../src/vision/image.js";
import { writeHdf5 } from "./support/h5-write.js";

const PIXELS = [0, 3, 10, 128, 200, 250, 255, 255, 0, 100, 100, 7];
const image: RgbImage = { width: 2, height: 2, data: Uint8Array.from(PIXELS) };

/** [dtype, delta values, expected uint8 result computed by hand from the NumPy rules]. */
const HAND_CASES: [NumericDtype, NumericArray, number[]][] = [
  // uint8 + int8 → int16, then the low byte: 250+10=260→4, 3-5=-2→254, 0-128=-128→128, 255+127=382→126.
  [
    "int8",
    Int8Array.from([0, -5, 0, -128, 55, 10, 0, 1, -1, 27, -100, -7]),
    [0, 254, 10, 0, 255, 4, 255, 0, 255, 127, 0, 0],
  ],
  // uint8 + int16 → int16: 128+300=428→172, 10-300=-290→222 (−290 mod 256), 255+256=511→255.
  [
    "int16",
    Int16Array.from([1, 2, -300, 300, -201, 6, 256, -256, 511, -100, 156, -8]),
    [1, 5, 222, 172, 255, 0, 255, 255, 255, 0, 0, 255],
  ],
  // uint8 + uint8 stays uint8 and wraps: 250+10=4, 255+1=0.
  [
    "uint8",
    Uint8Array.from([0, 0, 0, 0, 56, 10, 1, 0, 0, 156, 155, 249]),
    [0, 3, 10, 128, 0, 4, 0, 255, 0, 0, 255, 0],
  ],
  // int32 and int64 behave the same: the low byte of the exact sum.
  [
    "int32",
    Int32Array.from([-1, 2 ** 31 - 1, -(2 ** 31), 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    [255, 2, 10, 128, 200, 250, 255, 255, 0, 100, 100, 7],
  ],
  [
    "int64",
    BigInt64Array.from([-1n, -(2n ** 40n) + 1n, 2n ** 62n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n]),
    [255, 4, 10, 128, 200, 250, 255, 255, 0, 100, 100, 7],
  ],
  // float32: the sum is rounded to float32, then truncated toward zero through int32 and the low byte kept.
  // 0-1.5=-1.5→-1→255; 3-3.5=-0.5→0; 10.9→10; 128-128.25=-0.25→0; 200+100.7=300.7→300→44; 1e10 and NaN→0;
  // 255-300.2=-45.2→-45→211; 0.5→0; 100+0.99999994 is exactly 101 in float32 (→101); -2e9 is exact in float32
  // and 100-2e9=-1999999900 rounds to -1999999872 in float32 (=−15624999·128, low byte 128); 7-7.000001→0.
  [
    "float32",
    Float32Array.from([
      -1.5,
      -3.5,
      0.9,
      -128.25,
      100.7,
      1e10,
      Number.NaN,
      -300.2,
      0.5,
      0.99999994,
      -2e9,
      -7.000001,
    ]),
    [255, 0, 10, 0, 44, 0, 0, 211, 0, 101, 128, 0],
  ],
  // float64: the same cast on the exact sum: 100.99999994→100, and -1999999900 mod 256 = 100.
  [
    "float64",
    Float64Array.from([
      -1.5,
      -3.5,
      0.9,
      -128.25,
      100.7,
      1e10,
      Number.NaN,
      -300.2,
      0.5,
      0.99999994,
      -2e9,
      -7.000001,
    ]),
    [255, 0, 10, 0, 44, 0, 0, 211, 0, 100, 100, 0],
  ],
];

for (const [dtype, data, expected] of HAND_CASES) {
  test(`hand-computed NumPy cases: uint8 image + ${dtype} delta`, () => {
    const out = applyDistortionDelta(image, { dtype, shape: [2, 2, 3], data });
    assert.deepEqual([...out.data], expected);
  });
}

test("floatToUint8 follows the x86-64 cast: truncate through int32, low byte, 0 outside int32", () => {
  assert.deepEqual(
    [
      255.9,
      256,
      -0.99,
      -1,
      70000,
      -70000.5,
      2 ** 31 - 1,
      2 ** 31,
      -(2 ** 31),
      -(2 ** 31) - 1,
      Number.POSITIVE_INFINITY,
    ].map(floatToUint8),
    [255, 0, 0, 255, 112, 144, 255, 0, 0, 0, 0],
  );
});

test("a delta whose shape does not match the image is rejected with both shapes named", () => {
  assert.throws(
    () =>
      applyDistortionDelta(
        image,
        { dtype: "int16", shape: [2, 3, 3], data: new Int16Array(18) },
        "coco_loc_x",
      ),
    (error: unknown) => {
      assert.ok(isGritlocError(error, "E_DATA_INVALID"));
      assert.match(
        error.message,
        /^coco_loc_x has shape \[2, 3, 3\] but the image is 2×2 \(expected \[2, 2, 3\]\)/,
      );
      return true;
    },
  );
});

/** Deterministic pseudo-random values (xorshift32) so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

const RANDOM_SHAPE = { height: 9, width: 7 };

function randomDelta(dtype: NumericDtype, n: number, next: () => number): NumericArray {
  const pick = (lo: number, hi: number) => Math.floor(lo + next() * (hi - lo + 1));
  switch (dtype) {
    case "int8":
      return Int8Array.from({ length: n }, () => pick(-128, 127));
    case "uint8":
      return Uint8Array.from({ length: n }, () => pick(0, 255));
    case "int16":
      return Int16Array.from({ length: n }, () => pick(-32768, 32767));
    case "uint16":
      return Uint16Array.from({ length: n }, () => pick(0, 65535));
    case "int32":
      return Int32Array.from({ length: n }, () => pick(-(2 ** 31), 2 ** 31 - 1));
    case "uint32":
      return Uint32Array.from({ length: n }, () => pick(0, 2 ** 32 - 1));
    case "int64":
      return BigInt64Array.from(
        { length: n },
        () => BigInt(pick(-(2 ** 50), 2 ** 50)) * BigInt(pick(1, 4096)),
      );
    case "uint64":
      return BigUint64Array.from({ length: n }, () => BigInt(pick(0, 2 ** 50)) * BigInt(pick(1, 16384)));
    default: {
      // Mostly small values with fractions (like real distortions), plus wide values and the edges.
      const special = [0.5, -0.5, 0.99999994, -1.0000001, 255.5, -255.5, 3e9, -3e9, 1e30, Number.NaN];
      const values = Array.from({ length: n }, (_, i) =>
        i < special.length
          ? (special[i] as number)
          : next() < 0.7
            ? (next() - 0.5) * 600
            : (next() - 0.5) * 2 ** 33,
      );
      return dtype === "float32" ? Float32Array.from(values) : Float64Array.from(values);
    }
  }
}

const NUMPY_DTYPES: NumericDtype[] = [
  "int8",
  "uint8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "int64",
  "uint64",
  "float32",
  "float64",
];

function numpyAvailable(): boolean {
  if (!existsSync("/usr/bin/python3")) return false;
  return spawnSync("/usr/bin/python3", ["-c", "import numpy"], { stdio: "ignore" }).status === 0;
}

test("deltas written to HDF5 (h5wasm), read back and applied give NumPy's bytes for every integer and float dtype", {
  skip: numpyAvailable()
    ? false
    : "no /usr/bin/python3 with numpy here; the hand-computed cases above still ran",
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), "gritloc-delta-"));
  try {
    const next = rng(20240611);
    const n = RANDOM_SHAPE.height * RANDOM_SHAPE.width * 3;
    const pixels = Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
    const deltas = NUMPY_DTYPES.map((dtype) => ({ dtype, data: randomDelta(dtype, n, next) }));
    const h5 = join(dir, "dist_deltas_localization_ablation.hdf5");
    await writeHdf5(
      h5,
      deltas.map((d) => ({
        name: `coco_loc_test-reserve_${d.dtype}_1`,
        data: d.data,
        shape: [RANDOM_SHAPE.height, RANDOM_SHAPE.width, 3],
      })),
    );
    await writeFile(join(dir, "img.u8"), pixels);
    for (const d of deltas) await writeFile(join(dir, `${d.dtype}.bin`), new Uint8Array(d.data.buffer));
    const script = [
      "import numpy as np, sys, warnings",
      "warnings.simplefilter('ignore')",
      "d = sys.argv[1]",
      `img = np.fromfile(d + '/img.u8', dtype=np.uint8).reshape(${RANDOM_SHAPE.height}, ${RANDOM_SHAPE.width}, 3)`,
      `for name in ${JSON.stringify(NUMPY_DTYPES)}:`,
      "    delta = np.fromfile(d + '/' + name + '.bin', dtype=np.dtype(name).newbyteorder('<')).reshape(img.shape)",
      "    (img + delta).astype(np.uint8).tofile(d + '/' + name + '.expected')",
    ].join("\n");
    const run = spawnSync("/usr/bin/python3", ["-c", script, dir], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    const reader = await Hdf5Reader.open(h5);
    try {
      const source: RgbImage = { width: RANDOM_SHAPE.width, height: RANDOM_SHAPE.height, data: pixels };
      for (const { dtype } of deltas) {
        const delta = reader.read(`coco_loc_test-reserve_${dtype}_1`);
        assert.equal(delta.dtype, dtype);
        const actual = applyDistortionDelta(source, delta).data;
        const expected = new Uint8Array(await readFile(join(dir, `${dtype}.expected`)));
        const bad = actual.findIndex((v, i) => v !== expected[i]);
        assert.equal(
          bad,
          -1,
          `${dtype}: first difference at ${bad}: got ${actual[bad]}, numpy ${expected[bad]}`,
        );
      }
    } finally {
      reader.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
