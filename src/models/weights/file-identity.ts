/**
 * A weights file's identity: the sha256 of its bytes, remembered per (path, size, mtime) for the process so
 * creating a second localizer on the same checkpoint does not hash 1.7 GB again.
 */
import { createHash } from "node:crypto";
import { createReadStream, statSync } from "node:fs";
import { resolve } from "node:path";

const memo = new Map<string, Promise<string>>();

/** Hex sha256 of a file's content. */
export function fileSha256(path: string): Promise<string> {
  const absolute = resolve(path);
  const stat = statSync(absolute);
  const key = `${absolute}\0${stat.size}\0${stat.mtimeMs}`;
  let hash = memo.get(key);
  if (hash === undefined) {
    hash = new Promise<string>((done, fail) => {
      const h = createHash("sha256");
      createReadStream(absolute, { highWaterMark: 1 << 22 })
        .on("data", (chunk) => h.update(chunk))
        .on("error", fail)
        .on("end", () => done(h.digest("hex")));
    });
    memo.set(key, hash);
    hash.catch(() => memo.delete(key));
  }
  return hash;
}
