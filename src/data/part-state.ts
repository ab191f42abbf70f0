/**
 * Resume bookkeeping for `<file>.part`: a small JSON sidecar `<file>.part.json` holding the URL and the
 * server's validators (ETag, Last-Modified, total size), so a resumed request is sent with If-Range and a
 * changed remote file restarts from byte 0 instead of being spliced onto old bytes.
 */
import { readFile, rm, writeFile } from "node:fs/promises";

export interface PartState {
  readonly url: string;
  readonly etag: string | null;
  readonly lastModified: string | null;
  /** Full size of the remote file, when the server said. */
  readonly total: number | null;
}

/** The sidecar's path for a destination file. */
export function partStatePath(path: string): string {
  return `${path}.part.json`;
}

/** Reads the sidecar; null when missing or unreadable (then the part is not trusted). */
export async function readPartState(path: string): Promise<PartState | null> {
  try {
    const value = JSON.parse(await readFile(partStatePath(path), "utf8")) as Partial<PartState>;
    if (typeof value.url !== "string") return null;
    return {
      url: value.url,
      etag: typeof value.etag === "string" ? value.etag : null,
      lastModified: typeof value.lastModified === "string" ? value.lastModified : null,
      total: typeof value.total === "number" ? value.total : null,
    };
  } catch {
    return null;
  }
}

export async function writePartState(path: string, state: PartState): Promise<void> {
  await writeFile(partStatePath(path), `${JSON.stringify(state)}\n`);
}

/** Deletes `<file>.part` and its sidecar. */
export async function discardPart(path: string): Promise<void> {
  await rm(`${path}.part`, { force: true });
  await rm(partStatePath(path), { force: true });
}

/** The validator to send as If-Range: a strong ETag, else Last-Modified (weak ETags may not be used). */
export function ifRangeValidator(state: PartState): string | null {
  if (state.etag !== null && !state.etag.startsWith("W/")) return state.etag;
  return state.lastModified;
}
