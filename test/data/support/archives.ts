/**
 * Test archives built in memory: zip (stored or deflated, optionally in ZIP64 form like the 12 GB COCO zip)
 * and tar.gz (ustar, with long names as ustar prefix, GNU 'L' or pax 'x' records).
 */
import { crc32, deflateRawSync, gzipSync } from "node:zlib";

export interface ArchiveEntry {
  readonly name: string;
  readonly data: Uint8Array;
}

/** A zip of `entries`; `deflate` compresses them, `zip64` writes ZIP64 records and extra fields throughout. */
export function buildZip(entries: readonly ArchiveEntry[], { deflate = true, zip64 = false } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8");
    const data = deflate ? deflateRawSync(entry.data) : Buffer.from(entry.data);
    const crc = crc32(entry.data);
    const method = deflate ? 8 : 0;
    const localExtra = Buffer.alloc(zip64 ? 20 : 0);
    if (zip64) {
      localExtra.writeUInt16LE(1, 0);
      localExtra.writeUInt16LE(16, 2);
      localExtra.writeBigUInt64LE(BigInt(entry.data.length), 4);
      localExtra.writeBigUInt64LE(BigInt(data.length), 12);
    }
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(zip64 ? 45 : 20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(zip64 ? 0xffffffff : data.length, 18);
    local.writeUInt32LE(zip64 ? 0xffffffff : entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(localExtra.length, 28);
    locals.push(local, name, localExtra, data);
    const centralExtra = Buffer.alloc(zip64 ? 28 : 0);
    if (zip64) {
      centralExtra.writeUInt16LE(1, 0);
      centralExtra.writeUInt16LE(24, 2);
      centralExtra.writeBigUInt64LE(BigInt(entry.data.length), 4);
      centralExtra.writeBigUInt64LE(BigInt(data.length), 12);
      centralExtra.writeBigUInt64LE(BigInt(offset), 20);
    }
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x031e, 4);
    central.writeUInt16LE(zip64 ? 45 : 20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(zip64 ? 0xffffffff : data.length, 20);
    central.writeUInt32LE(zip64 ? 0xffffffff : entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(centralExtra.length, 30);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(zip64 ? 0xffffffff : offset, 42);
    centrals.push(central, name, centralExtra);
    offset += local.length + name.length + localExtra.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const tail: Buffer[] = [];
  if (zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(entries.length), 24);
    record.writeBigUInt64LE(BigInt(entries.length), 32);
    record.writeBigUInt64LE(BigInt(cd.length), 40);
    record.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + cd.length), 8);
    locator.writeUInt32LE(1, 16);
    tail.push(record, locator);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(zip64 ? 0xffff : entries.length, 8);
  eocd.writeUInt16LE(zip64 ? 0xffff : entries.length, 10);
  eocd.writeUInt32LE(zip64 ? 0xffffffff : cd.length, 12);
  eocd.writeUInt32LE(zip64 ? 0xffffffff : offset, 16);
  return Buffer.concat([...locals, cd, ...tail, eocd]);
}

function tarHeader(name: string, size: number, type: string, prefix = ""): Buffer {
  const block = Buffer.alloc(512);
  block.write(name, 0, 100, "utf8");
  block.write("0000644\0", 100);
  block.write("0000000\0", 108);
  block.write("0000000\0", 116);
  block.write(`${size.toString(8).padStart(11, "0")}\0`, 124);
  block.write("14700000000\0", 136);
  block.write("        ", 148);
  block.write(type, 156);
  block.write("ustar\0", 257);
  block.write("00", 263);
  block.write(prefix, 345, 155, "utf8");
  let sum = 0;
  for (const b of block) sum += b;
  block.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return block;
}

function padded(data: Uint8Array): Buffer[] {
  return [Buffer.from(data), Buffer.alloc((512 - (data.length % 512)) % 512)];
}

/** How names longer than 100 bytes are stored. */
export type LongNames = "prefix" | "gnu" | "pax";

/** An uncompressed tar of `entries` (plus a folder entry first). */
export function buildTar(entries: readonly ArchiveEntry[], longNames: LongNames = "gnu"): Buffer {
  const parts: Buffer[] = [tarHeader("distortions/", 0, "5")];
  for (const { name, data } of entries) {
    if (Buffer.byteLength(name) <= 100) {
      parts.push(tarHeader(name, data.length, "0"), ...padded(data));
    } else if (longNames === "prefix") {
      const cut = name.lastIndexOf("/", 155);
      parts.push(tarHeader(name.slice(cut + 1), data.length, "0", name.slice(0, cut)), ...padded(data));
    } else if (longNames === "gnu") {
      const long = Buffer.from(`${name}\0`);
      parts.push(tarHeader("././@LongLink", long.length, "L"), ...padded(long));
      parts.push(tarHeader(name.slice(0, 100), data.length, "0"), ...padded(data));
    } else {
      const body = ` path=${name}\n`;
      let length = body.length + 2;
      while (`${length}${body}`.length !== length) length++;
      const record = Buffer.from(`${length}${body}`);
      parts.push(tarHeader("PaxHeader/x", record.length, "x"), ...padded(record));
      parts.push(tarHeader(name.slice(0, 100), data.length, "0"), ...padded(data));
    }
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** A .tar.gz of `entries`. */
export function buildTarGz(entries: readonly ArchiveEntry[], longNames: LongNames = "gnu"): Buffer {
  return gzipSync(buildTar(entries, longNames));
}
