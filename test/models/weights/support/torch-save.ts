/**
 * Writing PyTorch-style checkpoints in tests: a tiny pickle emitter (the opcodes `torch.save` uses, plus raw
 * bytes for crafted, hostile pickles) and a zip in torch's layout (`<archive>/data.pkl`, `<archive>/data/<key>`,
 * `<archive>/version`, stored uncompressed).
 */
import { writeFileSync } from "node:fs";
import { zipSync } from "fflate";

/** A pickle program assembled opcode by opcode. */
export class PickleBuilder {
  readonly #parts: number[] = [];

  /** Raw bytes (for opcodes the builder has no helper for). */
  raw(...bytes: number[]): this {
    this.#parts.push(...bytes);
    return this;
  }

  proto(version = 2): this {
    return this.raw(0x80, version);
  }

  mark(): this {
    return this.raw(0x28);
  }

  int(value: number): this {
    if (value >= 0 && value < 256) return this.raw(0x4b, value);
    if (value >= 0 && value < 65536) return this.raw(0x4d, value & 0xff, value >> 8);
    const b = Buffer.alloc(4);
    b.writeInt32LE(value);
    return this.raw(0x4a, ...b);
  }

  str(value: string): this {
    const bytes = Buffer.from(value, "utf8");
    const length = Buffer.alloc(4);
    length.writeUInt32LE(bytes.length);
    return this.raw(0x58, ...length, ...bytes);
  }

  /** GLOBAL "module\nname\n". */
  global(module: string, name: string): this {
    return this.raw(0x63, ...Buffer.from(`${module}\n${name}\n`, "latin1"));
  }

  tuple(): this {
    return this.raw(0x74);
  }

  emptyTuple(): this {
    return this.raw(0x29);
  }

  emptyDict(): this {
    return this.raw(0x7d);
  }

  setitem(): this {
    return this.raw(0x73);
  }

  setitems(): this {
    return this.raw(0x75);
  }

  reduce(): this {
    return this.raw(0x52);
  }

  build(): this {
    return this.raw(0x62);
  }

  binpersid(): this {
    return this.raw(0x51);
  }

  false(): this {
    return this.raw(0x89);
  }

  stop(): this {
    return this.raw(0x2e);
  }

  /** `OrderedDict()` as torch writes it. */
  orderedDict(): this {
    return this.global("collections", "OrderedDict").emptyTuple().reduce();
  }

  /** A tensor: `_rebuild_tensor_v2(('storage', torch.<type>, key, 'cpu', numel), offset, size, stride, False, OrderedDict())`. */
  tensor(t: TensorRecord): this {
    this.global("torch._utils", "_rebuild_tensor_v2").mark();
    this.mark()
      .str("storage")
      .global("torch", t.storageType ?? "FloatStorage")
      .str(t.key)
      .str("cpu");
    this.int(t.numel).tuple().binpersid();
    this.int(t.offset ?? 0);
    this.mark();
    for (const d of t.shape) this.int(d);
    this.tuple().mark();
    for (const s of t.stride ?? contiguousStride(t.shape)) this.int(s);
    return this.tuple().false().orderedDict().tuple().reduce();
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.#parts);
  }
}

export interface TensorRecord {
  readonly key: string;
  readonly numel: number;
  readonly shape: readonly number[];
  readonly stride?: readonly number[];
  readonly offset?: number;
  readonly storageType?: string;
}

export function contiguousStride(shape: readonly number[]): number[] {
  const stride = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    stride[i] = s;
    s *= shape[i];
  }
  return stride;
}

/** Writes a torch-layout zip: `archive/data.pkl`, `archive/data/<key>` for each storage, `archive/version`. */
export function writeTorchZip(
  path: string,
  pickle: Uint8Array,
  storages: Readonly<Record<string, Uint8Array>>,
  archive = "archive",
): void {
  const files: Record<string, [Uint8Array, { level: 0 }]> = {
    [`${archive}/data.pkl`]: [pickle, { level: 0 }],
  };
  for (const [key, bytes] of Object.entries(storages))
    files[`${archive}/data/${key}`] = [bytes, { level: 0 }];
  files[`${archive}/version`] = [Buffer.from("3\n"), { level: 0 }];
  writeFileSync(path, zipSync(files));
}

/** float32 values as little-endian bytes. */
export function f32Bytes(values: readonly number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

export interface StateDictTensor {
  readonly shape: readonly number[];
  readonly values: readonly number[];
}

/**
 * `torch.save({"model": state_dict})` of contiguous float32 tensors, with `_metadata` module versions when
 * given (as a trainer-saved state dict carries them).
 */
export function writeStateDict(
  path: string,
  tensors: Readonly<Record<string, StateDictTensor>>,
  metadata?: Readonly<Record<string, number>>,
  wrapInModel = true,
): void {
  const p = new PickleBuilder().proto();
  if (wrapInModel) p.emptyDict().str("model");
  p.orderedDict().mark();
  const storages: Record<string, Uint8Array> = {};
  Object.entries(tensors).forEach(([name, t], i) => {
    p.str(name).tensor({ key: String(i), numel: t.values.length, shape: t.shape });
    storages[String(i)] = f32Bytes(t.values);
  });
  p.setitems();
  if (metadata !== undefined) {
    p.emptyDict().str("_metadata").orderedDict().mark();
    for (const [module, version] of Object.entries(metadata))
      p.str(module).emptyDict().str("version").int(version).setitem();
    p.setitems().setitem().build();
  }
  if (wrapInModel) p.setitem();
  writeTorchZip(path, p.stop().bytes(), storages);
}
