/**
 * Zip archives without an external tool: a zip path → its member list (central directory, ZIP64 included,
 * so the 12 GB COCO zip works) and random-access extraction of single members, inflated with fflate and
 * checked against their CRC-32. Only the wanted members are read, never the whole archive.
 */
import { createReadStream } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { crc32 } from "node:zlib";
import { Inflate } from "fflate";
import { writeChunksAtomic } from "../atomic-file.js";
import { GritlocError } from "../errors.js";

/** One member as the central directory describes it. */
export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
  readonly encrypted: boolean;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function corrupt(path: string, what: string): GritlocError {
  return new GritlocError(
    "E_CHECKSUM",
    `${path} is not a readable zip (${what}). The download may be truncated: delete it and rerun setup.`,
  );
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

function u64(buffer: Buffer, offset: number): number {
  const value = buffer.readBigUInt64LE(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError("zip field beyond 2^53");
  return Number(value);
}

/** Finds the central directory: offset, size and entry count (from the ZIP64 record when present). */
async function locateCentralDirectory(handle: FileHandle, path: string, fileSize: number) {
  const tailLength = Math.min(fileSize, 22 + 0xffff);
  const tail = await readAt(handle, fileSize - tailLength, tailLength);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      at = i;
      break;
    }
  }
  if (at < 0) throw corrupt(path, "no end-of-central-directory record");
  let count = tail.readUInt16LE(at + 10);
  let size = tail.readUInt32LE(at + 12);
  let offset = tail.readUInt32LE(at + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const locatorAt = at - 20;
    if (locatorAt < 0 || tail.readUInt32LE(locatorAt) !== ZIP64_LOCATOR)
      throw corrupt(path, "missing ZIP64 locator");
    const recordOffset = u64(tail, locatorAt + 8);
    const record = await readAt(handle, recordOffset, 56);
    if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD) throw corrupt(path, "bad ZIP64 record");
    count = u64(record, 32);
    size = u64(record, 40);
    offset = u64(record, 48);
  }
  return { count, size, offset };
}

/** Reads the values that the ZIP64 extra field (id 1) replaces, in their fixed order. */
function applyZip64Extra(
  extra: Buffer,
  fields: { size: number; compressedSize: number; offset: number },
): void {
  for (let p = 0; p + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(p);
    const length = extra.readUInt16LE(p + 2);
    if (id === 0x0001) {
      let q = p + 4;
      if (fields.size === 0xffffffff) {
        fields.size = u64(extra, q);
        q += 8;
      }
      if (fields.compressedSize === 0xffffffff) {
        fields.compressedSize = u64(extra, q);
        q += 8;
      }
      if (fields.offset === 0xffffffff) fields.offset = u64(extra, q);
      return;
    }
    p += 4 + length;
  }
}

/** Lists the members of a zip file. */
export async function listZip(path: string): Promise<ZipEntry[]> {
  const handle = await open(path, "r");
  try {
    const { size: fileSize } = await handle.stat();
    const cd = await locateCentralDirectory(handle, path, fileSize);
    const table = await readAt(handle, cd.offset, cd.size);
    if (table.length < cd.size) throw corrupt(path, "central directory beyond the end of the file");
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < cd.count; i++) {
      if (p + 46 > table.length || table.readUInt32LE(p) !== CENTRAL)
        throw corrupt(path, `bad central entry ${i}`);
      const nameLength = table.readUInt16LE(p + 28);
      const extraLength = table.readUInt16LE(p + 30);
      const commentLength = table.readUInt16LE(p + 32);
      const fields = {
        size: table.readUInt32LE(p + 24),
        compressedSize: table.readUInt32LE(p + 20),
        offset: table.readUInt32LE(p + 42),
      };
      applyZip64Extra(table.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength), fields);
      entries.push({
        name: table.toString("utf8", p + 46, p + 46 + nameLength),
        method: table.readUInt16LE(p + 10),
        crc32: table.readUInt32LE(p + 16),
        compressedSize: fields.compressedSize,
        size: fields.size,
        localHeaderOffset: fields.offset,
        encrypted: (table.readUInt16LE(p + 8) & 1) === 1,
      });
      p += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  } finally {
    await handle.close();
  }
}

async function dataOffsetIn(handle: FileHandle, path: string, entry: ZipEntry): Promise<number> {
  const header = await readAt(handle, entry.localHeaderOffset, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL)
    throw corrupt(path, `bad local header of ${entry.name}`);
  return entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
}

/** Where a member's data starts (after its local header, whose name/extra lengths may differ). */
export async function zipMemberDataOffset(path: string, entry: ZipEntry): Promise<number> {
  return (await zipMemberDataOffsets(path, [entry]))[0];
}

/** Where each member's data starts, reading the file through one handle (for archives of many members). */
export async function zipMemberDataOffsets(path: string, entries: readonly ZipEntry[]): Promise<number[]> {
  const handle = await open(path, "r");
  try {
    const offsets: number[] = [];
    for (const entry of entries) offsets.push(await dataOffsetIn(handle, path, entry));
    return offsets;
  } finally {
    await handle.close();
  }
}

/** Streams a member's bytes (inflated) to `write`, one piece at a time; returns its CRC-32 and length. */
async function streamMember(path: string, entry: ZipEntry, write: (chunk: Uint8Array) => Promise<void>) {
  const start = await zipMemberDataOffset(path, entry);
  let crc = 0;
  let length = 0;
  const pending: Uint8Array[] = [];
  const drain = async () => {
    for (const chunk of pending.splice(0)) {
      crc = crc32(chunk, crc);
      length += chunk.length;
      await write(chunk);
    }
  };
  const inflater = entry.method === 8 ? new Inflate((chunk) => pending.push(chunk)) : null;
  if (entry.compressedSize > 0) {
    const stream = createReadStream(path, { start, end: start + entry.compressedSize - 1 });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (inflater === null) pending.push(chunk);
      else inflater.push(chunk);
      await drain();
    }
  }
  inflater?.push(new Uint8Array(0), true);
  await drain();
  return { crc, length };
}

/**
 * Extracts one member to `outPath` (written to a temp name, checked, then renamed into place).
 * @throws GritlocError E_CHECKSUM for a CRC or length mismatch (a damaged archive), E_TOOL_MISSING for an
 *   encrypted member or a compression method other than stored/deflate.
 */
export async function extractZipMember(path: string, entry: ZipEntry, outPath: string): Promise<void> {
  if (entry.encrypted || (entry.method !== 0 && entry.method !== 8)) {
    throw new GritlocError(
      "E_TOOL_MISSING",
      `${path}: member ${entry.name} uses ${entry.encrypted ? "encryption" : `compression method ${entry.method}`}, ` +
        "which the built-in reader does not support. Install unzip and rerun.",
    );
  }
  await writeChunksAtomic(outPath, async (write) => {
    const { crc, length } = await streamMember(path, entry, write);
    if (crc !== entry.crc32 || length !== entry.size) {
      throw new GritlocError(
        "E_CHECKSUM",
        `${path}: member ${entry.name} is damaged (CRC-32 or length differs from the directory). ` +
          "Delete the archive and rerun setup to download it again.",
      );
    }
  });
}
