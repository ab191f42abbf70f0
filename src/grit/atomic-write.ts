/**
 * Atomic file output: bytes → a file that either holds all of them or is untouched (temp name + rename in the
 * same folder), so an interrupted write never leaves a half-written submission.
 */
import { randomBytes } from "node:crypto";
import { rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fileAccessError } from "../file-access-error.js";
import { makeFolder } from "../make-folder.js";

/**
 * Writes `data` to `path` via a temporary sibling and a rename; creates the folder if needed.
 * @throws GritlocError E_FILE_ACCESS naming `path` (not the temp file) when it cannot be written.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const folder = dirname(path);
  await makeFolder(folder, path);
  const temp = join(folder, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw fileAccessError(error, { path, action: "write" });
  }
}
