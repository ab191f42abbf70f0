/**
 * Atomic file writes: bytes written in steps → a temp file next to the target, renamed into place only on
 * `commit`; `abort` (or any error in `writeFileAtomic`) deletes the temp file, so a crash or a failed check
 * never leaves a half file at the target path.
 */
import { randomBytes } from "node:crypto";
import { type FileHandle, open, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { fileAccessError } from "../file-access-error.js";
import { makeFolder } from "../make-folder.js";

/** A file being written under a temp name. */
export class AtomicFileWriter {
  private constructor(
    readonly path: string,
    private readonly temp: string,
    private readonly handle: FileHandle,
  ) {}

  /**
   * Creates the folder and the temp file for `path`.
   * @throws GritlocError E_FILE_ACCESS naming `path` (not the temp file) when it cannot be written.
   */
  static async open(path: string): Promise<AtomicFileWriter> {
    await makeFolder(dirname(path), path);
    const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
    try {
      return new AtomicFileWriter(path, temp, await open(temp, "w"));
    } catch (error) {
      throw fileAccessError(error, { path, action: "write" });
    }
  }

  async write(chunk: Uint8Array): Promise<void> {
    try {
      await this.handle.write(chunk);
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

  /** Closes and deletes the temp file. */
  async abort(): Promise<void> {
    await this.handle.close().catch(() => {});
    await rm(this.temp, { force: true });
  }
}

/** Writes `path` from `produce(write)`; the file appears complete or not at all. */
export async function writeFileAtomic(
  path: string,
  produce: (write: (chunk: Uint8Array) => Promise<void>) => Promise<void>,
): Promise<void> {
  const writer = await AtomicFileWriter.open(path);
  try {
    await produce((chunk) => writer.write(chunk));
    await writer.commit();
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

/** Writes a whole buffer atomically. */
export async function writeBytesAtomic(path: string, bytes: Uint8Array): Promise<void> {
  await writeFileAtomic(path, (write) => write(bytes));
}
