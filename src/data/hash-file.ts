/**
 * File hashing: a path (or its first `end` bytes) → sha256 (or md5), streamed so multi-GB archives never sit in
 * memory.
 */
import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";

/** Feeds bytes [0, end) of `path` (the whole file when `end` is omitted) into each hash, reading them once. */
export async function hashFileInto(
  hashes: Hash | readonly Hash[],
  path: string,
  end?: number,
): Promise<void> {
  if (end === 0) return;
  const all = Array.isArray(hashes) ? hashes : [hashes as Hash];
  const stream = createReadStream(path, end === undefined ? {} : { start: 0, end: end - 1 });
  for await (const chunk of stream) for (const hash of all) hash.update(chunk as Buffer);
}

/** The lower-case hex sha256 of a file. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  await hashFileInto(hash, path);
  return hash.digest("hex");
}

/**
 * The lower-case hex sha256 of a file and, when `withMd5` (sources that publish only md5, such as Open Images),
 * its md5 too, from one read.
 */
export async function sha256AndMd5File(
  path: string,
  withMd5: boolean,
): Promise<{ sha256: string; md5: string | null }> {
  const sha256 = createHash("sha256");
  const md5 = withMd5 ? createHash("md5") : null;
  await hashFileInto(md5 === null ? sha256 : [sha256, md5], path);
  return { sha256: sha256.digest("hex"), md5: md5?.digest("hex") ?? null };
}
