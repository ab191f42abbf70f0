/**
 * Reads PyTorch checkpoints written by `torch.save` (torch ≥ 1.6 zip format: `<archive>/data.pkl` + one
 * member `<archive>/data/<key>` per storage) without Python: the pickle is read by the safe unpickler with
 * only the globals a tensor checkpoint needs, tensors stay references into the zip, and each tensor's bytes
 * are read (and CRC-checked) only when asked for. A path → the unpickled object, a state dict as a
 * {@link TensorSource}, or a single saved tensor.
 */
import { closeSync, readSync } from "node:fs";
import { crc32 } from "node:zlib";
import { inflateSync } from "fflate";
import { listZip, type ZipEntry, zipMemberDataOffset, zipMemberDataOffsets } from "../../data/zip-reader.js";
import { GritlocError } from "../../errors.js";
import {
  PickleDict,
  type PickleGlobal,
  PickleGlobalRef,
  type PickleValue,
  unpickle,
} from "./pickle-reader.js";
import { DTYPE_BYTES, floatsAsFloat32, type SafetensorsDtype } from "./safetensors-reader.js";
import { openWeightsFile, type TensorInfo, type TensorSource } from "./tensor-source.js";

/** torch's legacy typed-storage classes (what a storage record names) → element type. */
const STORAGE_DTYPES: Readonly<Record<string, SafetensorsDtype>> = {
  FloatStorage: "F32",
  HalfStorage: "F16",
  BFloat16Storage: "BF16",
  DoubleStorage: "F64",
  LongStorage: "I64",
  IntStorage: "I32",
  ShortStorage: "I16",
  CharStorage: "I8",
  ByteStorage: "U8",
  BoolStorage: "BOOL",
};

/** One storage a tensor views: a zip member holding `numel` elements of `dtype`. */
export class TorchStorage {
  readonly key: string;
  readonly dtype: SafetensorsDtype;
  readonly numel: number;

  constructor(key: string, dtype: SafetensorsDtype, numel: number) {
    this.key = key;
    this.dtype = dtype;
    this.numel = numel;
  }
}

/** A tensor as `torch._utils._rebuild_tensor_v2` describes it: a strided view of a storage. */
export class TorchTensorRef {
  readonly storage: TorchStorage;
  /** In elements. */
  readonly storageOffset: number;
  readonly shape: readonly number[];
  /** In elements, one per dimension. */
  readonly stride: readonly number[];

  constructor(storage: TorchStorage, storageOffset: number, shape: number[], stride: number[]) {
    this.storage = storage;
    this.storageOffset = storageOffset;
    this.shape = shape;
    this.stride = stride;
  }
}

function invalid(path: string, problem: string): GritlocError {
  return new GritlocError(
    "E_WEIGHTS_INVALID",
    `${path}: ${problem}. Check that the file is a complete PyTorch checkpoint (re-download it if needed).`,
  );
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function intTuple(path: string, value: PickleValue, what: string): number[] {
  if (!Array.isArray(value) || !value.every(isCount))
    throw invalid(path, `${what} ${JSON.stringify(value)} is not a tuple of non-negative integers`);
  return [...(value as number[])];
}

/** The globals a tensor checkpoint uses; the only callables build an OrderedDict or a tensor reference. */
function checkpointGlobals(path: string): Map<string, PickleGlobal> {
  const globals = new Map<string, PickleGlobal>([
    ["collections OrderedDict", { call: () => new PickleDict("OrderedDict") }],
    [
      "torch._utils _rebuild_tensor_v2",
      {
        // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
        call: (args) => {
          const [storage, offset, size, stride] = args;
          if (args.length < 4 || !(storage instanceof TorchStorage))
            throw invalid(path, "_rebuild_tensor_v2 is not given a storage");
          if (!isCount(offset)) throw invalid(path, `storage offset ${String(offset)} is not an integer`);
          const shape = intTuple(path, size, "tensor size");
          const strides = intTuple(path, stride, "tensor stride");
          if (strides.length !== shape.length)
            throw invalid(path, `tensor size ${shape} and stride ${strides} differ in length`);
          return new TorchTensorRef(storage, offset, shape, strides);
        },
      },
    ],
  ]);
  for (const storage of Object.keys(STORAGE_DTYPES)) globals.set(`torch ${storage}`, {});
  return globals;
}

/**
 * A checkpoint file opened for reading: its unpickled content (tensors as {@link TorchTensorRef}) and the
 * means to read a tensor's values.
 */
export class TorchCheckpoint {
  readonly path: string;
  /** What `torch.load` would return, with tensors as references. */
  readonly root: PickleValue;
  readonly #members: ReadonlyMap<string, { entry: ZipEntry; offset: number }>;
  #fd: number | undefined;

  private constructor(
    path: string,
    root: PickleValue,
    members: Map<string, { entry: ZipEntry; offset: number }>,
    fd: number,
  ) {
    this.path = path;
    this.root = root;
    this.#members = members;
    this.#fd = fd;
  }

  /**
   * Opens `path` and unpickles its `data.pkl`.
   * @throws GritlocError E_NOT_FOUND when the file is missing; E_WEIGHTS_INVALID naming the file when it is not a
   *   zip-format torch checkpoint, uses a global or opcode beyond what tensors need (the global is named), or
   *   refers to a storage it does not hold.
   */
  static async open(path: string): Promise<TorchCheckpoint> {
    const fd = openWeightsFile(path);
    try {
      let entries: ZipEntry[];
      try {
        entries = await listZip(path);
      } catch (error) {
        throw invalid(
          path,
          `not a zip-format PyTorch checkpoint (${(error as Error).message}); files saved by torch < 1.6 ` +
            "must be re-saved with a newer torch",
        );
      }
      const pickles = entries.filter((e) => e.name === "data.pkl" || e.name.endsWith("/data.pkl"));
      if (pickles.length !== 1) throw invalid(path, `expected one data.pkl member, found ${pickles.length}`);
      const archive = pickles[0].name.slice(0, -"data.pkl".length);
      const byName = new Map(entries.map((e) => [e.name, e]));
      const order = byName.get(`${archive}byteorder`);
      if (order !== undefined) {
        const text = new TextDecoder().decode(
          readMemberSync(path, fd, order, await zipMemberDataOffset(path, order)),
        );
        if (text.trim() !== "little") throw invalid(path, `byte order "${text.trim()}" is not supported`);
      }
      const pickleBytes = readMemberSync(path, fd, pickles[0], await zipMemberDataOffset(path, pickles[0]));
      const storages = new Map<string, TorchStorage>();
      const root = unpickle(pickleBytes, {
        source: `${path} (${pickles[0].name})`,
        globals: checkpointGlobals(path),
        persistentLoad: (pid) => storageRecord(path, pid, storages),
      });
      const used: ZipEntry[] = [];
      for (const storage of storages.values()) {
        const entry = byName.get(`${archive}data/${storage.key}`);
        if (entry === undefined)
          throw invalid(path, `storage ${storage.key} has no member ${archive}data/${storage.key}`);
        if (entry.size < storage.numel * DTYPE_BYTES[storage.dtype])
          throw invalid(
            path,
            `storage ${storage.key} holds ${entry.size} bytes, fewer than ${storage.numel} ${storage.dtype} elements`,
          );
        used.push(entry);
      }
      const offsets = await zipMemberDataOffsets(path, used);
      const members = new Map(
        [...storages.keys()].map((key, i) => [key, { entry: used[i], offset: offsets[i] }] as const),
      );
      return new TorchCheckpoint(path, root, members, fd);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /**
   * A tensor's values as float32, contiguous in C order (a strided view is copied element by element).
   * @param label - the tensor's name, for messages.
   * @throws GritlocError E_WEIGHTS_INVALID for a non-float dtype, a view beyond its storage, or damaged bytes.
   */
  readFloat32(tensor: TorchTensorRef, label: string): Float32Array {
    const { storage, storageOffset, shape, stride } = tensor;
    const numel = shape.reduce((a, d) => a * d, 1);
    let last = storageOffset;
    for (let i = 0; i < shape.length; i++) if (shape[i] > 0) last += (shape[i] - 1) * stride[i];
    if (numel > 0 && last >= storage.numel)
      throw invalid(
        this.path,
        `tensor "${label}" reaches element ${last} of a ${storage.numel}-element storage`,
      );
    const values = this.#storageFloat32(storage, label);
    if (numel === 0) return new Float32Array(0);
    if (isContiguous(shape, stride))
      // `values` is a fresh array per read: a tensor spanning its whole storage needs no copy.
      return storageOffset === 0 && numel === values.length
        ? values
        : values.slice(storageOffset, storageOffset + numel);
    return gather(values, storageOffset, shape, stride, numel);
  }

  #storageFloat32(storage: TorchStorage, label: string): Float32Array {
    if (this.#fd === undefined) throw new Error(`TorchCheckpoint ${this.path} is closed`);
    const member = this.#members.get(storage.key)!;
    const bytes = readMemberSync(this.path, this.#fd, member.entry, member.offset);
    const values = floatsAsFloat32(bytes, storage.dtype, storage.numel);
    if (values === undefined)
      throw invalid(this.path, `tensor "${label}": dtype ${storage.dtype} is not a float type`);
    return values;
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}

/** BINPERSID's storage record: ('storage', storage class, key, location, numel). */
function storageRecord(path: string, pid: PickleValue, storages: Map<string, TorchStorage>): TorchStorage {
  if (!Array.isArray(pid) || pid.length !== 5 || pid[0] !== "storage")
    throw invalid(path, `persistent id ${describe(pid)} is not a storage record`);
  const [, type, key, , numel] = pid;
  const typeName = type instanceof PickleGlobalRef ? type.name.replace(/^torch\./, "") : undefined;
  const dtype = typeName === undefined ? undefined : STORAGE_DTYPES[typeName];
  if (dtype === undefined) throw invalid(path, `storage type ${describe(type)} is not supported`);
  if (typeof key !== "string" || !/^[\w.-]+$/.test(key))
    throw invalid(path, `storage key ${describe(key)} is invalid`);
  if (!isCount(numel)) throw invalid(path, `storage ${key} has element count ${describe(numel)}`);
  const known = storages.get(key);
  if (known !== undefined) {
    if (known.dtype !== dtype)
      throw invalid(path, `storage ${key} is used as both ${known.dtype} and ${dtype}`);
    return known;
  }
  const storage = new TorchStorage(key, dtype, numel);
  storages.set(key, storage);
  return storage;
}

function describe(value: unknown): string {
  if (value instanceof PickleGlobalRef) return value.name;
  return typeof value === "string" ? `"${value}"` : String(value);
}

function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && stride[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

/** Copies a strided view into C order. */
function gather(
  values: Float32Array,
  offset: number,
  shape: readonly number[],
  stride: readonly number[],
  numel: number,
): Float32Array {
  const out = new Float32Array(numel);
  const index = new Array<number>(shape.length).fill(0);
  let at = offset;
  for (let i = 0; i < numel; i++) {
    out[i] = values[at];
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d]++;
      at += stride[d];
      if (index[d] < shape[d]) break;
      at -= stride[d] * shape[d];
      index[d] = 0;
    }
  }
  return out;
}

/** A member's bytes (inflated when deflated), checked against its CRC-32. */
function readMemberSync(path: string, fd: number, entry: ZipEntry, offset: number): Uint8Array {
  if (entry.encrypted || (entry.method !== 0 && entry.method !== 8))
    throw invalid(path, `member ${entry.name} uses an unsupported compression method ${entry.method}`);
  const raw = new Uint8Array(entry.compressedSize);
  let done = 0;
  while (done < raw.length) {
    const n = readSync(fd, raw, done, raw.length - done, offset + done);
    if (n === 0) throw invalid(path, `member ${entry.name} is truncated`);
    done += n;
  }
  const bytes = entry.method === 8 ? inflateSync(raw) : raw;
  if (bytes.length !== entry.size || crc32(bytes) !== entry.crc32)
    throw invalid(path, `member ${entry.name} is damaged (CRC-32 or length differs from the zip directory)`);
  return bytes;
}

/** A state dict from a checkpoint, as tensors by name plus the `_metadata` module versions. */
export interface TorchStateDict extends TensorSource {
  /** Whether the state dict carried `_metadata` (a trainer-saved file does). */
  readonly hasMetadata: boolean;
  /** `_metadata[module].version` (module = a tensor name without its last part; "" is the root), if recorded. */
  moduleVersion(module: string): number | undefined;
}

/**
 * A state dict the way detectron2's `DetectionCheckpointer` finds it: `checkpoint["model"]` when the top-level
 * dict has that key, else the dict itself; a `module.` prefix on every key (DistributedDataParallel) is
 * stripped. Values that are not tensors are skipped.
 * @throws GritlocError E_WEIGHTS_INVALID when the file holds no dict of tensors.
 */
export function torchStateDict(checkpoint: TorchCheckpoint): TorchStateDict {
  const path = checkpoint.path;
  let dict = checkpoint.root;
  if (dict instanceof PickleDict && dict.items.has("model")) dict = dict.items.get("model") as PickleValue;
  if (!(dict instanceof PickleDict)) throw invalid(path, "holds no state dict (a dict of named tensors)");
  const tensors = new Map<string, TorchTensorRef>();
  for (const [key, value] of dict.items) {
    if (typeof key === "string" && value instanceof TorchTensorRef) tensors.set(key, value);
  }
  const names = [...tensors.keys()];
  const strip = names.length > 0 && names.every((n) => n.startsWith("module."));
  const entries = new Map<string, TensorInfo & { ref: TorchTensorRef }>();
  for (const [name, ref] of tensors) {
    const key = strip ? name.slice("module.".length) : name;
    entries.set(key, { name: key, dtype: ref.storage.dtype, shape: ref.shape, ref });
  }
  const metadata = dict.attributes.get("_metadata");
  const versions = new Map<string, number>();
  if (metadata instanceof PickleDict) {
    for (const [module, info] of metadata.items) {
      const version = info instanceof PickleDict ? info.items.get("version") : undefined;
      if (typeof module === "string" && typeof version === "number")
        versions.set(strip ? module.replace(/^module\.?/, "") : module, version);
    }
  }
  return {
    path,
    entries,
    hasMetadata: metadata instanceof PickleDict,
    moduleVersion: (module) => versions.get(module),
    readFloat32(name) {
      const entry = entries.get(name);
      if (entry === undefined)
        throw new GritlocError(
          "E_WEIGHTS_INVALID",
          `${path}: tensor "${name}": missing. Check that the file is the right checkpoint.`,
        );
      return checkpoint.readFloat32(entry.ref, name);
    },
    close: () => checkpoint.close(),
  };
}

/** Opens a `torch.save`d state dict (see {@link torchStateDict}). */
export async function openTorchStateDict(path: string): Promise<TorchStateDict> {
  const checkpoint = await TorchCheckpoint.open(path);
  try {
    return torchStateDict(checkpoint);
  } catch (error) {
    checkpoint.close();
    throw error;
  }
}

/**
 * Reads a file holding one `torch.save`d tensor (e.g. RegionCLIP's `lvis_1203_cls_emb.pth`).
 * @throws GritlocError E_WEIGHTS_INVALID when the file holds something else.
 */
export async function readTorchTensor(
  path: string,
): Promise<{ shape: readonly number[]; data: Float32Array; dtype: SafetensorsDtype }> {
  const checkpoint = await TorchCheckpoint.open(path);
  try {
    const root = checkpoint.root;
    if (!(root instanceof TorchTensorRef))
      throw invalid(path, "holds no single tensor (expected torch.save(tensor))");
    return { shape: root.shape, dtype: root.storage.dtype, data: checkpoint.readFloat32(root, "tensor") };
  } finally {
    checkpoint.close();
  }
}
