/**
 * Reads `.safetensors` files (8-byte little-endian header length, JSON header, raw little-endian data) tensor
 * by tensor, so multi-GB checkpoints never sit in memory whole. F32/F16/BF16 tensors → Float32Array.
 */
import { closeSync, fstatSync, readSync } from "node:fs";
import { GritlocError } from "../../errors.js";
import { fromBfloat16Bits, fromFloat16Bits } from "../../onnx/float16.js";
import { openWeightsFile } from "./tensor-source.js";

/** Element types a checkpoint may hold; only the float ones are read as weights. */
export type SafetensorsDtype = "F64" | "F32" | "F16" | "BF16" | "I64" | "I32" | "I16" | "I8" | "U8" | "BOOL";

/** Bytes per element of each dtype. */
export const DTYPE_BYTES: Readonly<Record<SafetensorsDtype, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

/**
 * The first `count` elements of `bytes` (little-endian `dtype`) as float32: F32 viewed as is (`bytes` must be
 * 4-byte aligned), F16, BF16 and F64 converted; undefined for a dtype that is not a float type.
 */
export function floatsAsFloat32(
  bytes: Uint8Array,
  dtype: SafetensorsDtype,
  count: number,
): Float32Array | undefined {
  switch (dtype) {
    case "F32":
      return new Float32Array(bytes.buffer, bytes.byteOffset, count);
    case "F16":
      return fromFloat16Bits(new Uint16Array(bytes.buffer, bytes.byteOffset, count));
    case "BF16":
      return fromBfloat16Bits(new Uint16Array(bytes.buffer, bytes.byteOffset, count));
    case "F64":
      return Float32Array.from(new Float64Array(bytes.buffer, bytes.byteOffset, count));
    default:
      return undefined;
  }
}

export interface SafetensorsEntry {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** Byte range inside the data section. */
  readonly begin: number;
  readonly end: number;
}

/** Header lengths above this are treated as corruption, not allocated. */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

function invalid(path: string, problem: string, tensor?: string): GritlocError {
  return new GritlocError(
    "E_WEIGHTS_INVALID",
    `${path}: ${tensor === undefined ? "" : `tensor "${tensor}": `}${problem}. ` +
      "Check that the file is a complete safetensors checkpoint (re-download it if needed).",
  );
}

function parseEntry(path: string, name: string, raw: unknown, dataBytes: number): SafetensorsEntry {
  const value = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof value !== "object" || value === null) throw invalid(path, "header entry is not an object", name);
  const dtype = value.dtype as SafetensorsDtype;
  if (typeof dtype !== "string" || DTYPE_BYTES[dtype] === undefined)
    throw invalid(path, `unsupported dtype ${JSON.stringify(value.dtype)}`, name);
  const shape = value.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0))
    throw invalid(path, `shape ${JSON.stringify(shape)} is not a list of non-negative integers`, name);
  const offsets = value.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0))
    throw invalid(path, `data_offsets ${JSON.stringify(offsets)} is not [begin, end]`, name);
  const [begin, end] = offsets as [number, number];
  const expected = shape.reduce((a: number, d: number) => a * d, 1) * DTYPE_BYTES[dtype];
  if (end - begin !== expected)
    throw invalid(
      path,
      `data_offsets span ${end - begin} bytes but ${dtype}[${shape.join(",")}] needs ${expected}`,
      name,
    );
  if (end > dataBytes)
    throw invalid(
      path,
      `data ends at byte ${end} beyond the file's ${dataBytes} data bytes (truncated?)`,
      name,
    );
  return { name, dtype, shape, begin, end };
}

/**
 * An open safetensors file.
 *
 * @example
 * const file = SafetensorsFile.open("model.safetensors");
 * const w = file.readFloat32("visual.conv1.weight");
 * file.close();
 */
export class SafetensorsFile {
  readonly path: string;
  readonly entries: ReadonlyMap<string, SafetensorsEntry>;
  readonly metadata: Readonly<Record<string, string>>;
  /** File size in bytes. */
  readonly size: number;
  #fd: number | undefined;
  readonly #dataStart: number;

  private constructor(
    path: string,
    fd: number,
    size: number,
    dataStart: number,
    entries: Map<string, SafetensorsEntry>,
    metadata: Record<string, string>,
  ) {
    this.path = path;
    this.#fd = fd;
    this.size = size;
    this.#dataStart = dataStart;
    this.entries = entries;
    this.metadata = metadata;
  }

  /**
   * Opens and validates the header.
   * @throws GritlocError E_NOT_FOUND when the file is missing; E_WEIGHTS_INVALID naming the file (and tensor)
   *   when the header is malformed or a tensor's bytes lie outside the file.
   */
  static open(path: string): SafetensorsFile {
    const fd = openWeightsFile(path);
    try {
      const size = fstatSync(fd).size;
      if (size < 8) throw invalid(path, `file is ${size} bytes, shorter than the 8-byte header length`);
      const lengthBytes = Buffer.alloc(8);
      readSync(fd, lengthBytes, 0, 8, 0);
      const headerLength = Number(lengthBytes.readBigUInt64LE(0));
      if (headerLength > MAX_HEADER_BYTES || 8 + headerLength > size)
        throw invalid(path, `header length ${headerLength} does not fit the ${size}-byte file`);
      const headerBytes = Buffer.alloc(headerLength);
      readSync(fd, headerBytes, 0, headerLength, 8);
      let header: unknown;
      try {
        header = JSON.parse(headerBytes.toString("utf8"));
      } catch (error) {
        throw invalid(path, `header is not valid JSON (${(error as Error).message})`);
      }
      if (typeof header !== "object" || header === null || Array.isArray(header))
        throw invalid(path, "header is not a JSON object");
      const dataStart = 8 + headerLength;
      const entries = new Map<string, SafetensorsEntry>();
      let metadata: Record<string, string> = {};
      for (const [name, raw] of Object.entries(header)) {
        if (name === "__metadata__") metadata = raw as Record<string, string>;
        else entries.set(name, parseEntry(path, name, raw, size - dataStart));
      }
      return new SafetensorsFile(path, fd, size, dataStart, entries, metadata);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** The entry for `name`, or an E_WEIGHTS_INVALID error naming the file and the tensor. */
  entry(name: string): SafetensorsEntry {
    const found = this.entries.get(name);
    if (found === undefined) throw invalid(this.path, "missing", name);
    return found;
  }

  /** Raw bytes of a tensor. */
  readBytes(name: string): Uint8Array {
    const { begin, end } = this.entry(name);
    if (this.#fd === undefined) throw new Error(`SafetensorsFile ${this.path} is closed`);
    const out = new Uint8Array(end - begin);
    let done = 0;
    while (done < out.length) {
      const n = readSync(this.#fd, out, done, out.length - done, this.#dataStart + begin + done);
      if (n === 0) throw invalid(this.path, "unexpected end of file", name);
      done += n;
    }
    return out;
  }

  /** A float tensor as float32 (F32 as is; F16, BF16 and F64 converted). */
  readFloat32(name: string): Float32Array {
    const { dtype } = this.entry(name);
    const bytes = this.readBytes(name);
    const values = floatsAsFloat32(bytes, dtype, bytes.length / DTYPE_BYTES[dtype]);
    if (values === undefined) throw invalid(this.path, `dtype ${dtype} is not a float type`, name);
    return values;
  }

  /** Closes the file descriptor. */
  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}
