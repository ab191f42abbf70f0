/**
 * Atomic file output: bytes (all at once or in steps) → a file that either holds all of them or is untouched.
 * They go to a hidden temp sibling (`.<name>.<pid>.<hex>.tmp`, same folder so the rename cannot cross file
 * systems) that is renamed onto the target on `commit`; `abort`, or any error in the `write…` helpers, deletes
 * it, so an interrupted or failed write never leaves a half file at the target path.
 */
import { randomBytes } from "node:crypto";
import { type FileHandle, link, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fileAccessError } from "./file-access-error.js";
import { makeFolder } from "./make-folder.js";
import { pathExists } from "./path-exists.js";

/** Writes one piece of the file after the ones before it. */
export type WriteChunk = (chunk: Uint8Array | string) => Promise<void>;

/**
 * A fresh temp name beside `path` for writing it atomically: hidden (leading dot) so users do not see half
 * files, unique per process and call, and ending in `.tmp` so leftovers are easy to spot.
 * @example atomicTempPath("/out/a.zip") // "/out/.a.zip.4242.9f3c01ab.tmp"
 */
export function atomicTempPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
}

/** A file being written under a temp name; `commit` puts it in place, `abort` throws it away. */
export class AtomicFileWriter {
  private constructor(
    readonly path: string,
    private readonly temp: string,
    private readonly handle: FileHandle,
  ) {}

  /**
   * Creates the folder (if needed) and the temp file for `path`.
   * @throws GritlocError E_FILE_ACCESS naming `path` (not the temp file) when it cannot be written.
   */
  static async open(path: string): Promise<AtomicFileWriter> {
    await makeFolder(dirname(path), path);
    const temp = atomicTempPath(path);
    try {
      return new AtomicFileWriter(path, temp, await open(temp, "w"));
    } catch (error) {
      throw fileAccessError(error, { path, action: "write" });
    }
  }

  /** Appends `chunk` (all of it: `FileHandle.writeFile` loops over short writes, `write` would not). */
  async write(chunk: Uint8Array | string): Promise<void> {
    try {
      await this.handle.writeFile(chunk);
    } catch (error) {
      throw fileAccessError(error, { path: this.path, action: "write" });
    }
  }

  /** Closes the temp file and renames it to the target. */
  async commit(): Promise<void> {
    try {
      await this.handle.close();
      await rename(this.temp, this.path);
    } catch (error) {
      throw fileAccessError(error, { path: this.path, action: "write" });
    }
  }

  /**
   * Syncs and closes the temp file and puts it at the target unless a file is already there; resolves to
   * whether it did. Exclusive through a hard link; where links are unsupported (some network drives) through a
   * rename, which is atomic but not exclusive. The temp file is gone afterwards either way.
   */
  async commitOnce(): Promise<boolean> {
    try {
      await this.handle.sync();
      await this.handle.close();
      try {
        await link(this.temp, this.path);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST" || (await pathExists(this.path))) return false;
        await rename(this.temp, this.path);
        return true;
      }
    } catch (error) {
      throw fileAccessError(error, { path: this.path, action: "write" });
    } finally {
      await rm(this.temp, { force: true });
    }
  }

  /** Closes and deletes the temp file; harmless after `commit` (the temp name is gone by then). */
  async abort(): Promise<void> {
    await this.handle.close().catch(() => {});
    await rm(this.temp, { force: true });
  }
}

/**
 * Writes `path` from `produce(write)`; the file appears complete or not at all. An error thrown by `produce`
 * (e.g. a failed checksum) passes through unchanged after the temp file is deleted.
 * @throws GritlocError E_FILE_ACCESS naming `path` when it cannot be written.
 */
export async function writeChunksAtomic(
  path: string,
  produce: (write: WriteChunk) => Promise<void>,
): Promise<void> {
  const writer = await AtomicFileWriter.open(path);
  try {
    await produce((chunk) => writer.write(chunk));
    await writer.commit();
  } catch (error) {
    await writer.abort().catch(() => {}); // the write's own error matters more than a failed cleanup
    throw error;
  }
}

/**
 * Writes `data` to `path` atomically; creates the folder if needed.
 * @throws GritlocError E_FILE_ACCESS naming `path` (not the temp file) when it cannot be written.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  await writeChunksAtomic(path, (write) => write(data));
}

/**
 * Writes `data` to `path` unless a file is already there; resolves to whether this call's file stands (false:
 * another writer's does). The file is complete and synced before it appears, and it appears exclusively
 * through a hard link; where links are unsupported (some network drives) through a rename, which is atomic but
 * not exclusive, so a racing writer's copy may win there: callers read the file back and accept either.
 * @throws GritlocError E_FILE_ACCESS naming `path` when it cannot be written.
 */
export async function writeFileOnce(path: string, data: Uint8Array | string): Promise<boolean> {
  if (await pathExists(path)) return false;
  const writer = await AtomicFileWriter.open(path);
  try {
    await writer.write(data);
    return await writer.commitOnce();
  } catch (error) {
    await writer.abort().catch(() => {}); // the write's own error matters more than a failed cleanup
    throw error;
  }
}
