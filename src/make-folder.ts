/**
 * `mkdir -p` that fails fast: a folder path → the folder and its missing parents, or a GritlocError naming the
 * path. Node's `mkdir(path, { recursive: true })` loops forever where the kernel answers ENOENT for a folder
 * whose parent exists (e.g. anything below /proc); here each level is made once, and a refusal is an error.
 */
import type { Stats } from "node:fs";
import { mkdir, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { errnoCode, fileAccessError } from "./file-access-error.js";

async function isFolder(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() === true;
}

/** A "not a folder" error in the shape `fileAccessError` reads, for a file found where a folder must go. */
function notAFolder(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${path}'`), {
    code: "ENOTDIR",
    path,
    syscall: "mkdir",
  });
}

/**
 * Creates `folder` and any missing parents (concurrent callers are fine).
 * @throws GritlocError E_FILE_ACCESS naming `forPath` (default `folder`): a file in the way, no permission, a
 *   read-only file system, or a file system that refuses new folders there.
 * @example
 * await makeFolder(dirname(out), out);
 */
export async function makeFolder(folder: string, forPath = folder): Promise<void> {
  const access = { path: forPath, action: "write" } as const;
  const missing: string[] = [];
  for (let current = resolve(folder); ; current = dirname(current)) {
    let found: Stats;
    try {
      found = await stat(current);
    } catch (error) {
      if (errnoCode(error) !== "ENOENT") throw fileAccessError(error, access);
      missing.push(current);
      if (dirname(current) === current) break;
      continue;
    }
    if (found.isDirectory()) break;
    throw fileAccessError(notAFolder(current), access);
  }
  for (const level of missing.reverse()) {
    try {
      await mkdir(level);
    } catch (error) {
      // Another worker may have made it meanwhile.
      if (errnoCode(error) === "EEXIST" && (await isFolder(level))) continue;
      throw fileAccessError(error, access);
    }
  }
}
