/**
 * Verification stamps: `<file>.verified.json` records the sha256 a file had at a given size and mtime, so a
 * rerun trusts an unchanged multi-GB file without hashing it again.
 */
import { readFile, rm, stat, writeFile } from "node:fs/promises";

interface Stamp {
  readonly size: number;
  readonly mtimeMs: number;
  readonly sha256: string;
  /** Present when the file was checked against an md5 too. */
  readonly md5?: string;
}

function stampPath(path: string): string {
  return `${path}.verified.json`;
}

/** Records that `path`, as it is now, has `sha256` (and `md5` when given). */
export async function writeVerifiedStamp(
  path: string,
  sha256: string,
  md5: string | null = null,
): Promise<void> {
  const s = await stat(path);
  const stamp: Stamp = { size: s.size, mtimeMs: s.mtimeMs, sha256, ...(md5 === null ? {} : { md5 }) };
  await writeFile(stampPath(path), `${JSON.stringify(stamp)}\n`);
}

/** The stamped digests when the file is unchanged since it was stamped, else null. */
export async function readVerifiedStamp(
  path: string,
): Promise<{ sha256: string; md5: string | null } | null> {
  try {
    const [s, text] = await Promise.all([stat(path), readFile(stampPath(path), "utf8")]);
    const stamp = JSON.parse(text) as Partial<Stamp>;
    return stamp.size === s.size && stamp.mtimeMs === s.mtimeMs && typeof stamp.sha256 === "string"
      ? { sha256: stamp.sha256, md5: typeof stamp.md5 === "string" ? stamp.md5 : null }
      : null;
  } catch {
    return null;
  }
}

export async function removeVerifiedStamp(path: string): Promise<void> {
  await rm(stampPath(path), { force: true });
}
