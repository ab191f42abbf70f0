/**
 * NYUv2 instance annotations: nyu_depth_v2_labeled.mat (MATLAB v7.3) → the 894 class names and, per image
 * number, the extent of every (label, instance) pair in the 640×480 frame. Read with h5py's view of the
 * file: `labels` (uint16) and `instances` (uint8) have HDF5 shape (N, W, H), so pixel (x, y) of image n is
 * at [n−1, x, y]; label k ≥ 1 is `names[k−1]`, label 0 is "unlabeled". This pairing of label and instance
 * maps is the one of the NYU toolbox's get_instance_masks.m (instance numbers restart for every label).
 */
import { Hdf5Reader } from "../data/hdf5-file.js";
import { GritlocError } from "../errors.js";

/** The datasets of nyu_depth_v2_labeled.mat that hold the annotations. */
export const NYUV2_DATASETS = { labels: "labels", instances: "instances", names: "names" } as const;

/** The pixels of one (label, instance) pair: inclusive pixel extents and the pixel count. */
export interface Nyuv2InstanceExtent {
  /** 1-based class number; its name is `names[label − 1]`. */
  readonly label: number;
  readonly instance: number;
  readonly xMin: number;
  readonly yMin: number;
  /** The last column that holds a pixel of the pair (inclusive). */
  readonly xMax: number;
  /** The last row that holds a pixel of the pair (inclusive). */
  readonly yMax: number;
  readonly pixels: number;
}

/**
 * Every (label ≠ 0, instance) pair of one image, sorted by label then instance. `labels` and `instances`
 * are column-major (index x·height + y), as one image of the .mat reads.
 * @example
 * instanceExtents(labels, instances, 640, 480)[0]; // { label: 3, instance: 1, xMin: 12, …, pixels: 830 }
 */
export function instanceExtents(
  labels: ArrayLike<number>,
  instances: ArrayLike<number>,
  width: number,
  height: number,
): Nyuv2InstanceExtent[] {
  const found = new Map<number, { xMin: number; yMin: number; xMax: number; yMax: number; pixels: number }>();
  for (let x = 0; x < width; x++) {
    const column = x * height;
    for (let y = 0; y < height; y++) {
      const label = labels[column + y] as number;
      if (label === 0) continue;
      const key = label * 65536 + (instances[column + y] as number);
      const e = found.get(key);
      if (e === undefined) found.set(key, { xMin: x, yMin: y, xMax: x, yMax: y, pixels: 1 });
      else {
        // x only grows in this loop order, so xMax is the current x; y can go either way.
        e.xMax = x;
        if (y < e.yMin) e.yMin = y;
        if (y > e.yMax) e.yMax = y;
        e.pixels++;
      }
    }
  }
  return [...found.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([key, e]) => ({ label: Math.floor(key / 65536), instance: key % 65536, ...e }));
}

/** An open labeled .mat; call `close()` when done. */
export class Nyuv2Annotations {
  private constructor(
    readonly path: string,
    private readonly reader: Hdf5Reader,
    /** Class names; label k is `names[k − 1]`. */
    readonly names: readonly string[],
    readonly count: number,
    readonly width: number,
    readonly height: number,
  ) {}

  /**
   * Opens the .mat and reads the class names.
   * @throws GritlocError E_CHECKSUM for a file that is not HDF5, E_NOT_FOUND / E_DATA_INVALID when
   *   `labels`, `instances` or `names` is missing or has another layout.
   */
  static async open(path: string): Promise<Nyuv2Annotations> {
    const reader = await Hdf5Reader.open(path);
    try {
      const labels = reader.info(NYUV2_DATASETS.labels);
      const instances = reader.info(NYUV2_DATASETS.instances);
      const sameShape = labels.shape.length === 3 && instances.shape.join(",") === labels.shape.join(",");
      if (!sameShape || !labels.dtype.includes("int") || !instances.dtype.includes("int")) {
        throw new GritlocError(
          "E_DATA_INVALID",
          `${path}: "labels" is ${labels.dtype} [${labels.shape.join(", ")}] and "instances" ${instances.dtype} ` +
            `[${instances.shape.join(", ")}]; expected integer arrays of the same shape [N, W, H] as in ` +
            "nyu_depth_v2_labeled.mat. Check the NYUv2 URL in the manifest.",
        );
      }
      const names = reader.readCellStrings(NYUV2_DATASETS.names);
      const [count, width, height] = labels.shape as [number, number, number];
      return new Nyuv2Annotations(path, reader, names, count, width, height);
    } catch (error) {
      reader.close();
      throw error;
    }
  }

  /**
   * The (label, instance) extents of image `n` (1-based, as in `nyuv2/{n}.jpg`).
   * @throws GritlocError E_DATA_INVALID for an image number outside the file, or a label beyond `names`.
   */
  extents(n: number): Nyuv2InstanceExtent[] {
    if (!Number.isInteger(n) || n < 1 || n > this.count) {
      throw new GritlocError(
        "E_DATA_INVALID",
        `nyuv2/${n}.jpg is asked for but ${this.path} holds images 1–${this.count}.`,
      );
    }
    const range = [
      [n - 1, n],
      [0, this.width],
      [0, this.height],
    ] as const;
    const labels = this.reader.readSlice(NYUV2_DATASETS.labels, range).data;
    const instances = this.reader.readSlice(NYUV2_DATASETS.instances, range).data;
    if (labels instanceof BigInt64Array || labels instanceof BigUint64Array) throw this.wide("labels");
    if (instances instanceof BigInt64Array || instances instanceof BigUint64Array)
      throw this.wide("instances");
    const extents = instanceExtents(labels, instances, this.width, this.height);
    const beyond = extents.find((e) => e.label > this.names.length);
    if (beyond !== undefined) {
      throw new GritlocError(
        "E_DATA_INVALID",
        `${this.path}: image ${n} has label ${beyond.label} but "names" lists ${this.names.length} classes.`,
      );
    }
    return extents;
  }

  private wide(name: string): GritlocError {
    return new GritlocError(
      "E_DATA_INVALID",
      `${this.path}: "${name}" is a 64-bit array; expected uint8/uint16.`,
    );
  }

  close(): void {
    this.reader.close();
  }
}
