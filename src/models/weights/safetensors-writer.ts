/**
 * Writes `.safetensors` files (used by tests, `gritloc models smoke` and the benchmark).
 * Named float tensors → file; data is written tensor by tensor. Synchronous on purpose: its callers (random
 * and smoke model writers, doctor probes, test fixtures) are synchronous, so it cannot use the async
 * `AtomicFileWriter`; it shares that writer's temp-name rule instead.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { atomicTempPath } from "../../atomic-file.js";
import { toFloat16Bits } from "../../onnx/float16.js";

export interface SafetensorsTensor {
  readonly shape: readonly number[];
  /** float32 values; stored as `dtype` (F16/BF16 are rounded from them). */
  readonly data: Float32Array;
  readonly dtype?: "F32" | "F16" | "BF16";
}

function encode(tensor: SafetensorsTensor): Uint8Array {
  const dtype = tensor.dtype ?? "F32";
  if (dtype === "F32")
    return new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  if (dtype === "F16") return new Uint8Array(toFloat16Bits(tensor.data).buffer);
  // bfloat16 = the upper 16 bits of float32, rounded to nearest even.
  const bits = new Uint32Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.length);
  const out = new Uint16Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const x = bits[i];
    out[i] = (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
  }
  return new Uint8Array(out.buffer);
}

/**
 * Writes tensors (in the given order) to `path`, atomically.
 *
 * @example
 * writeSafetensors("w.safetensors", { "a.weight": { shape: [2], data: new Float32Array([1, 2]) } });
 */
export function writeSafetensors(
  path: string,
  tensors: Readonly<Record<string, SafetensorsTensor>>,
  metadata: Readonly<Record<string, string>> = {},
): void {
  const encoded = Object.entries(tensors).map(([name, t]) => [name, t, encode(t)] as const);
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t, bytes] of encoded) {
    header[name] = { dtype: t.dtype ?? "F32", shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data section starts 8-byte aligned (the format allows trailing whitespace).
  json += " ".repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const headerBytes = Buffer.from(json, "utf8");
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(headerBytes.length));
  const tmp = atomicTempPath(path);
  const fd = openSync(tmp, "w");
  try {
    try {
      writeSync(fd, prefix);
      writeSync(fd, headerBytes);
      for (const [, , bytes] of encoded) writeSync(fd, bytes);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}
