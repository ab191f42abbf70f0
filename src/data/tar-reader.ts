/**
 * .tar.gz archives without an external tool: one streaming pass (zlib gunzip → a small tar parser) that
 * writes only the members `select` wants and stops reading as soon as `limit` of them are written.
 * Understands ustar prefixes, GNU long names ('L') and pax paths ('x'), so any common tar works.
 */
import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import { AtomicFileWriter } from "../atomic-file.js";
import { GritlocError } from "../errors.js";

export interface TarExtractOptions {
  /** Output path for a member name, or null to skip it. Only regular files are offered. */
  readonly select: (name: string) => string | null;
  /** Stop after writing this many members (avoids decompressing the rest). @default no limit */
  readonly limit?: number;
}

interface Header {
  readonly name: string;
  readonly size: number;
  readonly type: string;
}

function damaged(path: string, what: string): GritlocError {
  return new GritlocError(
    "E_CHECKSUM",
    `${path} is not a readable tar.gz (${what}). The download may be truncated: delete it and rerun setup.`,
  );
}

function text(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.toString("utf8", 0, end < 0 ? length : end);
}

function octal(block: Buffer, start: number, length: number): number {
  // Sizes of 8 GiB and more use base-256: high bit set, big-endian value in the remaining bytes.
  if (((block[start] as number) & 0x80) !== 0) {
    let value = (block[start] as number) & 0x7f;
    for (let i = 1; i < length; i++) value = value * 256 + (block[start + i] as number);
    return value;
  }
  const digits = text(block, start, length).trim();
  return digits === "" ? 0 : Number.parseInt(digits, 8);
}

function parseHeader(block: Buffer, path: string): Header {
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : (block[i] as number);
  if (sum !== octal(block, 148, 8)) throw damaged(path, "header checksum mismatch");
  let name = text(block, 0, 100);
  const prefix = text(block, 345, 155);
  if (text(block, 257, 5) === "ustar" && prefix !== "") name = `${prefix}/${name}`;
  return { name, size: octal(block, 124, 12), type: String.fromCharCode(block[156] as number) };
}

/** The `path` record of a pax extended header ("<len> path=<value>\n" records). */
function paxPath(data: Buffer): string | null {
  let p = 0;
  let found: string | null = null;
  while (p < data.length) {
    const space = data.indexOf(0x20, p);
    if (space < 0) break;
    const length = Number(data.toString("utf8", p, space));
    if (!Number.isInteger(length) || length <= 0) break;
    const record = data.toString("utf8", space + 1, p + length - 1);
    if (record.startsWith("path=")) found = record.slice(5);
    p += length;
  }
  return found;
}

/** The entry whose data is being read. */
interface Current {
  remaining: number;
  padding: number;
  readonly writer: AtomicFileWriter | null;
  /** Collected data of an 'L' or 'x' entry. */
  readonly meta: Buffer[] | null;
  readonly header: Header;
}

/**
 * Extracts the selected members of a .tar.gz; returns the paths written, in archive order.
 * @throws GritlocError E_CHECKSUM for a damaged or truncated archive (nothing half-written is left).
 */
export async function extractTarGz(path: string, options: TarExtractOptions): Promise<string[]> {
  const written: string[] = [];
  const source = createReadStream(path);
  const gunzip = source.pipe(createGunzip());
  let buffer: Buffer = Buffer.alloc(0);
  let current: Current | null = null;
  let longName: string | null = null;
  let zeroBlocks = 0;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const startEntry = async (header: Header): Promise<Current> => {
    const isMeta = header.type === "L" || header.type === "x";
    const isFile = header.type === "0" || header.type === "\0" || header.type === "7";
    let writer: AtomicFileWriter | null = null;
    if (isFile) {
      const name = longName ?? header.name;
      longName = null;
      const out = options.select(name);
      if (out !== null) writer = await AtomicFileWriter.open(out);
    } else if (!isMeta) {
      longName = null;
    }
    return {
      remaining: header.size,
      padding: (512 - (header.size % 512)) % 512,
      writer,
      meta: isMeta ? [] : null,
      header,
    };
  };
  const finishEntry = async (entry: Current) => {
    if (entry.meta !== null) {
      const data = Buffer.concat(entry.meta);
      longName = entry.header.type === "L" ? text(data, 0, data.length) : (paxPath(data) ?? longName);
    }
    if (entry.writer !== null) {
      await entry.writer.commit();
      written.push(entry.writer.path);
    }
  };
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      let p = 0;
      while (written.length < limit) {
        if (current === null) {
          if (buffer.length - p < 512) break;
          const block = buffer.subarray(p, p + 512);
          p += 512;
          if (block.every((b) => b === 0)) {
            zeroBlocks++;
            continue;
          }
          zeroBlocks = 0;
          current = await startEntry(parseHeader(block, path));
        }
        const take = Math.min(current.remaining, buffer.length - p);
        if (take > 0) {
          const piece = buffer.subarray(p, p + take);
          if (current.writer !== null) await current.writer.write(piece);
          else current.meta?.push(Buffer.from(piece));
          current.remaining -= take;
          p += take;
        }
        if (current.remaining > 0) break;
        const skip = Math.min(current.padding, buffer.length - p);
        current.padding -= skip;
        p += skip;
        if (current.padding > 0) break;
        await finishEntry(current);
        current = null;
      }
      buffer = Buffer.from(buffer.subarray(p));
      if (written.length >= limit || zeroBlocks >= 2) break;
    }
  } catch (error) {
    await current?.writer?.abort();
    if (error instanceof GritlocError) throw error;
    throw damaged(path, (error as Error).message);
  } finally {
    source.destroy();
    gunzip.destroy();
  }
  if (current !== null) {
    await current.writer?.abort();
    throw damaged(path, `the archive ends inside ${current.header.name}`);
  }
  return written;
}
