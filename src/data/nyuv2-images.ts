/**
 * NYUv2 images: nyu_depth_v2_labeled.mat (MATLAB v7.3 = HDF5) → `nyuv2/{n}.jpg` for the image numbers the
 * samples name, as allenai/grit_official download/images.py (save_nyuv2) makes them: `images` read with h5py
 * has shape (N, 3, W, H); image n is `images[n-1].transpose(2, 1, 0)` (H×W×3) saved by PIL as JPEG at its
 * default quality 75 with 4:2:0 chroma subsampling.
 */
import { join } from "node:path";
import { GritlocError } from "../errors.js";
import type { RgbImage } from "../vision/image.js";
import { Hdf5Reader } from "./hdf5-file.js";
import { saveLikePil } from "./save-like-pil.js";

/**
 * The 1-based frame number a NYUv2 image id names (`<imagePrefix><n>.jpg`), NaN when it names none.
 * @example nyuv2ImageNumber("nyuv2/17.jpg", "nyuv2/"); // 17
 */
export function nyuv2ImageNumber(imageId: string, imagePrefix: string): number {
  return Number(imageId.slice(imagePrefix.length).replace(/\.jpg$/, ""));
}

export interface Nyuv2ExtractOptions {
  /** Called after each image is written. */
  readonly onImage?: (n: number, path: string) => void;
}

/** Image n (1-based) of the (N, 3, W, H) uint8 block → HWC RGB. */
function toRgb(block: Uint8Array, width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  const plane = width * height;
  for (let c = 0; c < 3; c++) {
    for (let x = 0; x < width; x++) {
      const column = c * plane + x * height;
      for (let y = 0; y < height; y++) data[(y * width + x) * 3 + c] = block[column + y] as number;
    }
  }
  return { width, height, data };
}

/**
 * Writes `{outDir}/{n}.jpg` for each image number in `numbers` (1-based) from the .mat's `dataset`.
 * @throws GritlocError E_DATA_INVALID when the dataset is not a uint8 (N, 3, W, H) array or a number is out of
 *   range; E_CHECKSUM when the file is not readable HDF5.
 */
export async function extractNyuv2Images(
  matPath: string,
  dataset: string,
  numbers: readonly number[],
  outDir: string,
  options: Nyuv2ExtractOptions = {},
): Promise<string[]> {
  const reader = await Hdf5Reader.open(matPath);
  try {
    const { dtype, shape } = reader.info(dataset);
    const [count, channels, width, height] = shape as [number, number, number, number];
    if (dtype !== "uint8" || shape.length !== 4 || channels !== 3) {
      throw new GritlocError(
        "E_DATA_INVALID",
        `${matPath}: "${dataset}" is ${dtype} [${shape.join(", ")}], expected uint8 [N, 3, W, H] as in nyu_depth_v2_labeled.mat. ` +
          "Check the NYUv2 URL in the manifest.",
      );
    }
    const written: string[] = [];
    for (const n of numbers) {
      if (!Number.isInteger(n) || n < 1 || n > count) {
        throw new GritlocError(
          "E_DATA_INVALID",
          `the samples name nyuv2/${n}.jpg but ${matPath} holds images 1–${count}. Check the samples file and the NYUv2 URL.`,
        );
      }
      const slice = reader.readSlice(dataset, [
        [n - 1, n],
        [0, 3],
        [0, width],
        [0, height],
      ]);
      const path = join(outDir, `${n}.jpg`);
      await saveLikePil(toRgb(slice.data as Uint8Array, width, height), path);
      written.push(path);
      options.onImage?.(n, path);
    }
    return written;
  } finally {
    reader.close();
  }
}
