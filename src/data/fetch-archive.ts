/**
 * Archive downloads for setup: a manifest `RemoteFile` → the verified file in the cache folder, reported as
 * `download` events and recorded (with measured size/sha256) for setup-report.json.
 */
import { basename, join } from "node:path";
import { downloadFile } from "./download-file.js";
import type { RemoteFile } from "./manifest-reader.js";
import type { SetupContext } from "./setup-context.js";
import type { SetupPhase } from "./setup-events.js";

/** Downloads (or reuses) `file` into the cache folder; returns its path. */
export async function fetchArchive(
  ctx: Pick<SetupContext, "cacheDir" | "retries" | "retryDelayMs" | "signal" | "emit" | "downloads">,
  phase: SetupPhase,
  file: RemoteFile,
): Promise<string> {
  const name = basename(new URL(file.url).pathname);
  const path = join(ctx.cacheDir, name);
  const result = await downloadFile(file.url, path, {
    size: file.size,
    sha256: file.sha256,
    md5: file.md5 ?? null,
    retries: ctx.retries,
    retryDelayMs: ctx.retryDelayMs,
    ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
    onEvent: (event) => ctx.emit({ type: "download", phase, file: name, event }),
  });
  ctx.downloads.push({
    file: name,
    url: file.url,
    size: result.size,
    sha256: result.sha256,
    ...(result.md5 === null ? {} : { md5: result.md5 }),
    recorded: result.recorded,
    reused: result.reused,
  });
  return path;
}
