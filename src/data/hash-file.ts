/**
 * File hashing: a path (or its first `end` bytes) → sha256 (or md5), streamed so multi-GB archives never sit in
 * memory.
 */
import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";

/** Feeds bytes [0, end) of `path` (the whole file when `end` is omitted) into `hash`. */
export async function hashFileInto(hash: Hash, path: string, end?: number): Promise<void> {
  if (end === 0) return;
  const stream = createReadStream(path, end === undefined ? {} : { start: 0, end: end - 1 });
  for await (const chunk of stream) hash.update(chunk as Buffer);
}

/** The lower-case hex sha256 of a file. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  await hashFileInto(hash, path);
  return hash.digest("hex");
}

/** The lower-case hex md5 of a file (for sources that publish only md5, such as Open Images). */
export async function md5File(path: string): Promise<string> {
  const hash = createHash("md5");
  await hashFileInto(hash, path);
  return hash.digest("hex");
}
