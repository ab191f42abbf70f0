/**
 * Writing small HDF5 files in tests with h5wasm: distortion-delta files (one dataset per example id) and a
 * MATLAB v7.3 `.mat` (an HDF5 file behind MATLAB's 512-byte text header, arrays stored column-major).
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import h5wasm from "h5wasm/node";
import type { NumericArray } from "../../../src/data/hdf5-file.js";

const H5_DTYPES: Record<string, string> = {
  Int8Array: "<b",
  Uint8Array: "<B",
  Int16Array: "<h",
  Uint16Array: "<H",
  Int32Array: "<i",
  Uint32Array: "<I",
  BigInt64Array: "<q",
  BigUint64Array: "<Q",
  Float32Array: "<f",
  Float64Array: "<d",
};

export interface H5Dataset {
  readonly name: string;
  readonly data: NumericArray;
  readonly shape: number[];
  readonly attributes?: Record<string, string>;
  readonly compress?: boolean;
}

/** Writes an HDF5 file holding `datasets` at its root. */
export async function writeHdf5(path: string, datasets: readonly H5Dataset[]): Promise<void> {
  await h5wasm.ready;
  const file = new h5wasm.File(path, "w");
  try {
    for (const d of datasets) {
      const dataset = file.create_dataset({
        name: d.name,
        data: d.data,
        shape: d.shape,
        dtype: H5_DTYPES[d.data.constructor.name] as string,
        ...(d.compress ? { chunks: [1, ...d.shape.slice(1)], compression: 4 } : {}),
      });
      for (const [key, value] of Object.entries(d.attributes ?? {})) dataset.create_attribute(key, value);
    }
  } finally {
    file.close();
  }
}

/**
 * Writes a MATLAB v7.3 file with one uint8 array of MATLAB size H×W×3×N (HDF5 dims [N, 3, W, H]), like
 * nyu_depth_v2_labeled.mat's `images`. `pixel(n, y, x, c)` gives each value.
 */
export async function writeMatV73(
  path: string,
  name: string,
  size: { n: number; height: number; width: number },
  pixel: (n: number, y: number, x: number, c: number) => number,
): Promise<void> {
  const { n, height, width } = size;
  const data = new Uint8Array(n * 3 * width * height);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < 3; c++)
      for (let x = 0; x < width; x++)
        for (let y = 0; y < height; y++) data[((i * 3 + c) * width + x) * height + y] = pixel(i, y, x, c);
  const h5 = `${path}.h5`;
  await writeHdf5(h5, [
    { name, data, shape: [n, 3, width, height], attributes: { MATLAB_class: "uint8" }, compress: true },
  ]);
  const header = Buffer.alloc(512, 0x20);
  header.write(
    "MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Thu Jan  1 00:00:00 2026 HDF5 schema 1.00 .",
  );
  header.writeUInt16LE(0x0200, 124);
  header.write("IM", 126);
  writeFileSync(path, Buffer.concat([header, readFileSync(h5)]));
  rmSync(h5);
}
