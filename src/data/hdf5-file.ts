/**
 * HDF5 reading (distortion deltas, the NYUv2 v7.3 .mat): a file path → numeric datasets as typed arrays with
 * dtype and shape. The only module that imports h5wasm; its node build reads the file in place (no copy
 * into memory), so slices of the 2.8 GB NYUv2 file are cheap.
 */
import h5wasm, { Reference } from "h5wasm/node";
import { GritlocError } from "../errors.js";

export type NumericDtype =
  | "int8"
  | "uint8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64"
  | "float32"
  | "float64";

export type NumericArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

/** A dataset's values in C (row-major) order. */
export interface Hdf5Array {
  readonly dtype: NumericDtype;
  readonly shape: readonly number[];
  readonly data: NumericArray;
}

type H5File = InstanceType<typeof h5wasm.File>;
type H5Dataset = InstanceType<typeof h5wasm.Dataset>;

/** An open HDF5 file; call `close()` when done. */
export class Hdf5Reader {
  private constructor(
    readonly path: string,
    private readonly file: H5File,
  ) {}

  /**
   * Opens `path` read-only (a MATLAB v7.3 file's 512-byte header is skipped by HDF5 itself).
   * @throws GritlocError E_CHECKSUM when the file is not readable HDF5 (e.g. a truncated download).
   */
  static async open(path: string): Promise<Hdf5Reader> {
    await h5wasm.ready;
    let file: H5File;
    try {
      file = new h5wasm.File(path, "r");
    } catch (error) {
      throw new GritlocError(
        "E_CHECKSUM",
        `${path} is not a readable HDF5 file (${(error as Error).message}). The download may be damaged: delete it and rerun setup.`,
        { cause: error },
      );
    }
    return new Hdf5Reader(path, file);
  }

  /** True when a dataset called `name` exists at the file's root. */
  has(name: string): boolean {
    return this.file.get(name) instanceof h5wasm.Dataset;
  }

  private dataset(name: string): { dataset: H5Dataset; dtype: NumericDtype; shape: number[] } {
    const dataset = this.file.get(name);
    if (!(dataset instanceof h5wasm.Dataset)) {
      throw new GritlocError("E_NOT_FOUND", `${this.path} has no dataset "${name}".`);
    }
    const m = dataset.metadata;
    let dtype: NumericDtype | null = null;
    if (m.type === 0 && [1, 2, 4, 8].includes(m.size)) {
      dtype = `${m.signed ? "int" : "uint"}${m.size * 8}` as NumericDtype;
    } else if (m.type === 1 && (m.size === 4 || m.size === 8)) {
      dtype = m.size === 4 ? "float32" : "float64";
    }
    if (dtype === null || !m.littleEndian) {
      throw new GritlocError(
        "E_DATA_INVALID",
        `${this.path}: dataset "${name}" has type ${String(dataset.dtype)}; only little-endian integers and ` +
          "float32/float64 are supported. Please report this with the file's origin.",
      );
    }
    return { dataset, dtype, shape: dataset.shape ?? [] };
  }

  /** dtype and shape of a dataset, without reading it. */
  info(name: string): { dtype: NumericDtype; shape: readonly number[] } {
    const { dtype, shape } = this.dataset(name);
    return { dtype, shape };
  }

  /** The whole dataset. */
  read(name: string): Hdf5Array {
    const { dataset, dtype, shape } = this.dataset(name);
    return { dtype, shape, data: dataset.value as NumericArray };
  }

  /** A hyperslab: `[start, end)` per dimension. */
  readSlice(name: string, ranges: readonly (readonly [number, number])[]): Hdf5Array {
    const { dataset, dtype } = this.dataset(name);
    const data = dataset.slice(ranges.map(([a, b]) => [a, b])) as NumericArray;
    return { dtype, shape: ranges.map(([a, b]) => b - a), data };
  }

  /**
   * A MATLAB cell array of strings, as a v7.3 file stores it (e.g. nyu_depth_v2_labeled.mat's `names`): a
   * dataset of object references, each to a uint16 array of UTF-16 code units (an empty string is a
   * placeholder marked `MATLAB_empty`). Returned in storage order (MATLAB's column-major order).
   * @throws GritlocError E_NOT_FOUND without such a dataset, E_DATA_INVALID when it is not a cell of strings.
   */
  readCellStrings(name: string): string[] {
    const dataset = this.file.get(name);
    if (!(dataset instanceof h5wasm.Dataset)) {
      throw new GritlocError("E_NOT_FOUND", `${this.path} has no dataset "${name}".`);
    }
    const notCell = () =>
      new GritlocError(
        "E_DATA_INVALID",
        `${this.path}: "${name}" is not a MATLAB cell array of strings (object references to char arrays).`,
      );
    const refs = dataset.value;
    if (!Array.isArray(refs)) throw notCell();
    return refs.map((ref: unknown) => {
      const target: unknown = ref instanceof Reference ? this.file.dereference(ref) : null;
      if (!(target instanceof h5wasm.Dataset)) throw notCell();
      if (target.attrs.MATLAB_empty !== undefined) return "";
      const chars = target.value;
      if (!(chars instanceof Uint16Array)) throw notCell();
      let text = "";
      for (const code of chars) text += String.fromCharCode(code);
      return text;
    });
  }

  close(): void {
    this.file.close();
  }
}
