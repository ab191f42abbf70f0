/**
 * Writing a small NYUv2-style labeled .mat (MATLAB v7.3 = HDF5 behind a 512-byte header) for the demo's mini
 * set and for tests: row-major images and label/instance maps → `images` (N, 3, W, H), `labels` and
 * `instances` (N, W, H) as h5py sees nyu_depth_v2_labeled.mat, and `names` as a cell array of strings
 * (object references to uint16 char arrays under `#refs#`).
 */
import { readFile, rm } from "node:fs/promises";
import h5wasm from "h5wasm/node";
import { atomicTempPath, writeFileAtomic } from "../atomic-file.js";
import { invalidOption } from "../errors.js";

/** The content of a labeled .mat; every map is row-major (index y·width + x). */
export interface LabeledMatContent {
  readonly width: number;
  readonly height: number;
  /** RGB images (HWC), one per frame; omitted = no `images` dataset. */
  readonly images?: readonly Uint8Array[];
  /** Label maps (0 = unlabeled, k = names[k − 1]), one per frame. */
  readonly labels: readonly Uint16Array[];
  /** Instance maps, one per frame. */
  readonly instances: readonly Uint8Array[];
  readonly names: readonly string[];
}

/** MATLAB's text header: 116 bytes of text, subsystem offset, version 0x0200 and the "IM" endian mark. */
function matHeader(): Buffer {
  const header = Buffer.alloc(512, 0x20);
  header.write("MATLAB 7.3 MAT-file, Platform: GLNXA64, Created by: gritloc. HDF5 schema 1.00 .");
  header.fill(0, 116, 124);
  header.writeUInt16LE(0x0200, 124);
  header.write("IM", 126);
  return header;
}

/** Row-major maps → one (N, W, H) block: value (n, y, x) at ((n·W + x)·H + y). */
function columnMajor<T extends Uint8Array | Uint16Array>(
  maps: readonly T[],
  width: number,
  height: number,
  make: (length: number) => T,
  channels = 1,
): T {
  const plane = width * height;
  const out = make(maps.length * channels * plane);
  maps.forEach((map, n) => {
    for (let c = 0; c < channels; c++) {
      const base = (n * channels + c) * plane;
      for (let y = 0; y < height; y++)
        for (let x = 0; x < width; x++)
          out[base + x * height + y] = map[(y * width + x) * channels + c] as number;
    }
  });
  return out;
}

/**
 * Writes `content` to `path` (replacing it).
 * @throws GritlocError E_INVALID_OPTION when the maps do not all have width·height values.
 * @example
 * await writeLabeledMat("mini.mat", { width: 64, height: 48, labels: [l], instances: [i], names: ["cup"] });
 */
export async function writeLabeledMat(path: string, content: LabeledMatContent): Promise<void> {
  const { width, height, labels, instances } = content;
  const plane = width * height;
  if (
    labels.length !== instances.length ||
    labels.some((m, i) => m.length !== plane || instances[i]?.length !== plane)
  ) {
    throw invalidOption(
      "content",
      `as many label and instance maps of ${width}×${height} values`,
      labels.length,
    );
  }
  if (content.images?.some((m) => m.length !== plane * 3)) {
    throw invalidOption("content.images", `RGB images of ${width}×${height}×3 values`, content.images.length);
  }
  await h5wasm.ready;
  // h5wasm writes HDF5 to a file of its own; the .mat is its bytes behind MATLAB's 512-byte header.
  const h5 = atomicTempPath(`${path}.h5`);
  try {
    writeHdf5(h5, content);
    await writeFileAtomic(path, Buffer.concat([matHeader(), await readFile(h5)]));
  } finally {
    await rm(h5, { force: true });
  }
}

function writeHdf5(h5: string, content: LabeledMatContent): void {
  const { width, height, labels, instances, names } = content;
  const file = new h5wasm.File(h5, "w");
  try {
    const n = labels.length;
    if (content.images !== undefined) {
      const images = columnMajor(content.images, width, height, (l) => new Uint8Array(l), 3);
      file
        .create_dataset({ name: "images", data: images, shape: [n, 3, width, height], dtype: "<B" })
        .create_attribute("MATLAB_class", "uint8");
    }
    file
      .create_dataset({
        name: "labels",
        data: columnMajor(labels, width, height, (l) => new Uint16Array(l)),
        shape: [n, width, height],
        dtype: "<H",
      })
      .create_attribute("MATLAB_class", "uint16");
    file
      .create_dataset({
        name: "instances",
        data: columnMajor(instances, width, height, (l) => new Uint8Array(l)),
        shape: [n, width, height],
        dtype: "<B",
      })
      .create_attribute("MATLAB_class", "uint8");
    file.create_group("#refs#");
    const refs = names.map((name, i) => {
      const chars = Uint16Array.from(name, (ch) => ch.charCodeAt(0));
      const dataset = file.create_dataset({
        name: `#refs#/n${i}`,
        data: chars,
        shape: [chars.length, 1],
        dtype: "<H",
      });
      dataset.create_attribute("MATLAB_class", "char");
      return dataset.create_reference();
    });
    file
      .create_dataset({ name: "names", data: refs, shape: [1, refs.length] })
      .create_attribute("MATLAB_class", "cell");
  } finally {
    file.close();
  }
}
