/**
 * What a family's loader needs from any weights file, whatever its format: the tensors' names, dtypes and
 * shapes, and each tensor's values as float32, read one at a time. `SafetensorsFile` and the PyTorch
 * checkpoint readers both have this shape, so a caller can take either.
 */
import { openSync } from "node:fs";
import { GritlocError } from "../../errors.js";
import type { WeightReader } from "../../onnx/nn/context.js";
import type { SafetensorsDtype } from "./safetensors-reader.js";

/**
 * Opens a weights file for reading; the caller closes the descriptor.
 * @throws GritlocError E_NOT_FOUND naming the file when it cannot be opened.
 */
export function openWeightsFile(path: string): number {
  try {
    return openSync(path, "r");
  } catch (error) {
    throw new GritlocError("E_NOT_FOUND", `Cannot open weights file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** A tensor's description (without its values). */
export interface TensorInfo {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
}

/** Named tensors read lazily. */
export interface TensorSource {
  /** The file (or files) the tensors come from, for messages. */
  readonly path: string;
  readonly entries: ReadonlyMap<string, TensorInfo>;
  /** A float tensor as float32; throws E_WEIGHTS_INVALID naming the file and tensor when it is missing. */
  readFloat32(name: string): Float32Array;
  close(): void;
}

/** A tensor with its values. */
export interface LoadedTensor {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** The WeightReader the graph builders take, over a TensorSource. */
export function tensorSourceWeightReader(source: TensorSource): WeightReader {
  return {
    has: (name) => source.entries.has(name),
    shape: (name) => {
      const entry = source.entries.get(name);
      if (entry !== undefined) return entry.shape;
      source.readFloat32(name); // throws the source's own "missing" error
      throw new Error(`unreachable: ${name}`);
    },
    read: (name) => source.readFloat32(name),
  };
}

/** Every tensor (or those in `names`), read into memory: name → {dtype, shape, data}. */
export function readTensors(source: TensorSource, names?: Iterable<string>): Map<string, LoadedTensor> {
  const out = new Map<string, LoadedTensor>();
  for (const name of names ?? source.entries.keys()) {
    const data = source.readFloat32(name);
    const { dtype, shape } = source.entries.get(name)!;
    out.set(name, { dtype, shape, data });
  }
  return out;
}
