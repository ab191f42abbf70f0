/**
 * Resumable, verified download of one file: URL → `path`. Bytes go to `<path>.part` (resumed with an HTTP
 * Range from the byte it has, guarded by If-Range), failures are retried with backoff, size and sha256 are
 * checked, and only verified bytes are renamed into place; bad bytes are deleted, never left.
 */

import { createHash } from "node:crypto";
import { open, rename, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { countNoun } from "../count-noun.js";
import { GritlocError, invalidOption } from "../errors.js";
import { makeFolder } from "../make-folder.js";
import type { DownloadEvent } from "./download-events.js";
import {
  isGoogleDriveDownload,
  isGoogleDriveFolderFile,
  passDriveInterstitial,
  resolveDriveFolderFile,
} from "./google-drive.js";
import { hashFileInto, sha256AndMd5File } from "./hash-file.js";
import { type HttpGetOptions, httpGet, NetworkError } from "./http-get.js";
import {
  discardPart,
  ifRangeValidator,
  type PartState,
  readPartState,
  writePartState,
} from "./part-state.js";
import { RateMeter } from "./rate-meter.js";
import { HttpStatusError, isRetryable, parseRetryAfter, retryDelayMs } from "./retry-policy.js";
import { readVerifiedStamp, removeVerifiedStamp, writeVerifiedStamp } from "./verified-stamp.js";

export interface DownloadOptions {
  /** Expected size in bytes; null/undefined = unknown (measured and reported). */
  readonly size?: number | null;
  /** Expected lower-case hex sha256; null/undefined = unknown (measured and reported). */
  readonly sha256?: string | null;
  /**
   * Expected hex md5, for files whose publisher gives only md5 (e.g. Open Images annotation CSVs); checked
   * like sha256 when given. null/undefined = not checked.
   */
  readonly md5?: string | null;
  /** Failed attempts in a row (without new bytes) before giving up. @default 5 */
  readonly retries?: number;
  /** Delay before the first retry; doubles each time, with jitter. @default 1000 */
  readonly retryDelayMs?: number;
  /** @default 60000 */
  readonly maxRetryDelayMs?: number;
  /** Socket inactivity limit per request. @default 60000 */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: DownloadEvent) => void;
}

export interface DownloadResult {
  readonly url: string;
  readonly path: string;
  readonly size: number;
  /** Measured sha256; null when an existing file was reused without hashing (nothing to compare it with). */
  readonly sha256: string | null;
  /** Measured md5 when an md5 was expected, else null. */
  readonly md5: string | null;
  /** True when the file was already there and nothing was fetched. */
  readonly reused: boolean;
  /**
   * True when the expected size and sha256 were both known and matched. False means the measured values
   * above are new: record them in the manifest.
   */
  readonly recorded: boolean;
}

interface Expected {
  readonly size: number | null;
  readonly sha256: string | null;
  readonly md5: string | null;
}

/** What a download measured. */
interface Measured {
  readonly size: number;
  readonly sha256: string;
  readonly md5: string | null;
}

/** Bytes arrived, but size, sha256 or md5 differ from what was expected. */
class ChecksumMismatch extends Error {
  constructor(
    readonly actual: Measured,
    readonly expected: Expected,
  ) {
    super(
      `expected ${expected.size ?? "?"} bytes with sha256 ${expected.sha256 ?? "?"}` +
        (expected.md5 === null ? "" : ` and md5 ${expected.md5}`) +
        `, got ${actual.size} bytes with sha256 ${actual.sha256}` +
        (actual.md5 === null ? "" : ` and md5 ${actual.md5}`),
    );
  }
}

/** The part on disk cannot be continued (the server answered an unexpected range); start over. */
class RestartNeeded extends Error {}

const PROGRESS_INTERVAL_MS = 250;

function checkArguments(url: unknown, path: unknown, options: DownloadOptions): Expected {
  if (typeof url !== "string" || !/^https?:\/\//.test(url)) throw invalidOption("url", "an http(s) URL", url);
  if (typeof path !== "string" || path === "") throw invalidOption("path", "a file path", path);
  const size = options.size ?? null;
  if (size !== null && (!Number.isSafeInteger(size) || size < 0)) {
    throw invalidOption("size", "a byte count (integer ≥ 0) or null", size);
  }
  const sha256 = options.sha256 ?? null;
  if (sha256 !== null && !/^[0-9a-fA-F]{64}$/.test(sha256)) {
    throw invalidOption("sha256", "64 hex digits or null", sha256);
  }
  const md5 = options.md5 ?? null;
  if (md5 !== null && !/^[0-9a-fA-F]{32}$/.test(md5))
    throw invalidOption("md5", "32 hex digits or null", md5);
  return { size, sha256: sha256?.toLowerCase() ?? null, md5: md5?.toLowerCase() ?? null };
}

async function fileSize(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch {
    return null;
  }
}

function isComplete(expected: Expected): boolean {
  return expected.size !== null && expected.sha256 !== null;
}

/** An existing file that matches what is expected is kept; one that does not is deleted. */
async function reuseExisting(url: string, path: string, expected: Expected): Promise<DownloadResult | null> {
  const size = await fileSize(path);
  if (size === null) return null;
  const result = (sha256: string | null, md5: string | null = null): DownloadResult => ({
    url,
    path,
    size,
    sha256,
    md5,
    reused: true,
    recorded: isComplete(expected),
  });
  if (expected.size !== null && size !== expected.size) {
    await rm(path, { force: true });
    await removeVerifiedStamp(path);
    return null;
  }
  if (expected.sha256 === null && expected.md5 === null) return result(null);
  const stamp = await readVerifiedStamp(path);
  const stampOk =
    stamp !== null &&
    (expected.sha256 === null || stamp.sha256 === expected.sha256) &&
    (expected.md5 === null || stamp.md5 === expected.md5);
  if (stampOk) return result(stamp.sha256, expected.md5);
  const { sha256, md5 } = await sha256AndMd5File(path, expected.md5 !== null);
  if ((expected.sha256 === null || sha256 === expected.sha256) && md5 === expected.md5) {
    await writeVerifiedStamp(path, sha256, md5);
    return result(sha256, md5);
  }
  await rm(path, { force: true });
  await removeVerifiedStamp(path);
  return null;
}

function parseContentRange(value: string | undefined): { start: number; total: number | null } | null {
  const match = value === undefined ? null : /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(value.trim());
  if (match === null) return null;
  return { start: Number(match[1]), total: match[3] === "*" ? null : Number(match[3]) };
}

function contentLength(value: string | undefined): number | null {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : null;
}

interface AttemptContext {
  readonly url: string;
  readonly path: string;
  readonly options: DownloadOptions;
  readonly emit: (event: DownloadEvent) => void;
  /** Largest part size seen; growing it counts as progress and resets the failure count. */
  highWater: number;
  /** The URL requested: `url`, or the download URL a Google Drive folder link resolved to (once). */
  requestUrl?: string;
}

/**
 * GETs the file: a Google Drive folder link is first resolved to its file's download URL, and Drive's
 * virus-scan page is confirmed; the bytes are verified afterwards like any others.
 */
async function requestFile(ctx: AttemptContext, options: HttpGetOptions) {
  // The listing requests carry none of the file request's headers (Range, If-Range).
  const { headers: _, ...listing } = options;
  ctx.requestUrl ??= isGoogleDriveFolderFile(ctx.url)
    ? await resolveDriveFolderFile(ctx.url, listing)
    : ctx.url;
  const response = await httpGet(ctx.requestUrl, options);
  return isGoogleDriveDownload(ctx.requestUrl) ? passDriveInterstitial(response, options) : response;
}

/** One request: resumes or restarts `<path>.part`, streams the body into it, returns size and sha256. */
async function attempt(ctx: AttemptContext, wantMd5: boolean): Promise<Measured> {
  const { url, path, options, emit } = ctx;
  const part = `${path}.part`;
  const state = await readPartState(path);
  const partSize = (await fileSize(part)) ?? 0;
  const canResume =
    partSize > 0 && state !== null && state.url === url && (state.total === null || partSize <= state.total);
  const resumeFrom = canResume ? partSize : 0;
  const headers: Record<string, string> = {};
  if (resumeFrom > 0 && state !== null) {
    headers.range = `bytes=${resumeFrom}-`;
    const validator = ifRangeValidator(state);
    if (validator !== null) headers["if-range"] = validator;
  }
  const response = await requestFile(ctx, {
    headers,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const { status, body } = response;
  if (status === 416 && resumeFrom > 0) {
    body.resume();
    // The part may already hold the whole file (a crash after the last byte, before the rename).
    const unsatisfied = /^bytes \*\/(\d+)$/.exec(response.headers["content-range"]?.trim() ?? "");
    if (unsatisfied !== null && Number(unsatisfied[1]) === resumeFrom) {
      return { size: resumeFrom, ...(await sha256AndMd5File(part, wantMd5)) };
    }
    await discardPart(path);
    throw new RestartNeeded(`the server refused to resume ${url} at byte ${resumeFrom}`);
  }
  if (status !== 200 && status !== 206) {
    body.resume();
    throw new HttpStatusError(status, url, parseRetryAfter(response.headers["retry-after"]));
  }
  let start = 0;
  let total = contentLength(response.headers["content-length"]);
  if (status === 206) {
    const range = parseContentRange(response.headers["content-range"]);
    const totalChanged = state?.total != null && range?.total != null && range.total !== state.total;
    if (resumeFrom === 0 || range === null || range.start !== resumeFrom || totalChanged) {
      body.destroy();
      await discardPart(path);
      throw new RestartNeeded(`unexpected Content-Range from ${url}; starting over`);
    }
    start = resumeFrom;
    total = range.total;
  }
  // A 200 (server ignored Range, or If-Range found the remote changed) restarts the part from byte 0.
  const next: PartState = {
    url,
    etag: response.headers.etag ?? null,
    lastModified: response.headers["last-modified"] ?? null,
    total,
  };
  await writePartState(path, next);
  const hash = createHash("sha256");
  const md5 = wantMd5 ? createHash("md5") : null;
  if (start > 0) await hashFileInto(md5 === null ? hash : [hash, md5], part, start);
  const handle = await open(part, start > 0 ? "a" : "w");
  emit({ type: "download-start", url, path, resumeFrom: start, total });
  const meter = new RateMeter();
  let bytes = start;
  let lastProgress = 0;
  meter.record(bytes);
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      await handle.write(chunk);
      hash.update(chunk);
      md5?.update(chunk);
      bytes += chunk.length;
      if (bytes > ctx.highWater) ctx.highWater = bytes;
      const now = performance.now();
      if (now - lastProgress >= PROGRESS_INTERVAL_MS) {
        lastProgress = now;
        meter.record(bytes);
        const bytesPerSecond = meter.bytesPerSecond();
        emit({
          type: "download-progress",
          url,
          path,
          bytes,
          total,
          bytesPerSecond,
          etaSeconds: meter.etaSeconds(total),
        });
      }
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof NetworkError || typeof code !== "string") throw error;
    // Name the position: "aborted" alone does not say that the bytes so far were kept.
    throw new NetworkError(
      `connection lost at byte ${bytes}${total === null ? "" : ` of ${total}`} (${(error as Error).message})`,
      code,
      { cause: error },
    );
  } finally {
    await handle.close();
  }
  if (total !== null && bytes !== total) {
    throw new NetworkError(`connection closed at ${bytes} of ${total} bytes`, "EPREMATURE");
  }
  return { size: bytes, sha256: hash.digest("hex"), md5: md5?.digest("hex") ?? null };
}

/** Complete downloads that arrived with the wrong size/sha256/md5 and are fetched again before E_CHECKSUM. */
const MAX_CHECKSUM_RETRIES = 1;

function verify(actual: Measured, expected: Expected): void {
  const sizeOk = expected.size === null || expected.size === actual.size;
  const shaOk = expected.sha256 === null || expected.sha256 === actual.sha256;
  const md5Ok = expected.md5 === null || expected.md5 === actual.md5;
  if (!sizeOk || !shaOk || !md5Ok) throw new ChecksumMismatch(actual, expected);
}

function finalError(url: string, path: string, error: unknown, attempts: number): GritlocError {
  if (error instanceof GritlocError) return error;
  if (error instanceof ChecksumMismatch) {
    return new GritlocError(
      "E_CHECKSUM",
      `${url}: ${error.message} (${countNoun(attempts, "attempt")}); the bytes were deleted. ` +
        "If the remote file changed on purpose, record the measured values in the manifest; otherwise try a mirror.",
      { cause: error, details: { url, expected: error.expected, actual: error.actual } },
    );
  }
  if (error instanceof HttpStatusError && !isRetryable(error)) {
    return new GritlocError(
      "E_DOWNLOAD",
      `${url} answered HTTP ${error.status}: the file is not served there. Check the URL (or pass --manifest with a mirror).`,
      { cause: error, details: { url, status: error.status } },
    );
  }
  const status = error instanceof HttpStatusError ? error.status : null;
  return new GritlocError(
    "E_DOWNLOAD",
    `download of ${url} failed after ${countNoun(attempts, "attempt")}: ${(error as Error).message}. ` +
      `Check the network and rerun: the bytes so far are kept in ${path}.part and the next run resumes.`,
    { cause: error, details: { url, status } },
  );
}

/**
 * Downloads `url` to `path` (creating folders), resuming `<path>.part` from the byte it has. An existing
 * `path` that matches the expected size/sha256 is reused without any request; one that does not is deleted.
 * Retries 5xx/408/429 answers and dropped connections with backoff; after `retries` failed attempts in a row
 * fails with E_DOWNLOAD. A complete download with the wrong size or sha256 is retried once, then fails with
 * E_CHECKSUM.
 *
 * @throws GritlocError E_DOWNLOAD (details `{ url, status }`, status 404 for a missing file), E_CHECKSUM
 *   (details `{ url, expected, actual }`), E_INVALID_OPTION for bad arguments.
 * @example
 * const r = await downloadFile("https://example.org/a.zip", "cache/a.zip", { size: 1234, sha256: "ab…" });
 * r.sha256; // measured; r.recorded is false when the manifest did not know both values
 */
export async function downloadFile(
  url: string,
  path: string,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  const expected = checkArguments(url, path, options);
  const emit = options.onEvent ?? (() => {});
  const reused = await reuseExisting(url, path, expected);
  if (reused !== null) {
    emit({ type: "download-done", ...reused });
    return reused;
  }
  await makeFolder(dirname(path), path);
  const retries = options.retries ?? 5;
  const ctx: AttemptContext = { url, path, options, emit, highWater: (await fileSize(`${path}.part`)) ?? 0 };
  let failures = 0;
  let attempts = 0;
  let mismatches = 0;
  for (;;) {
    attempts++;
    const before = ctx.highWater;
    try {
      const actual = await attempt(ctx, expected.md5 !== null);
      try {
        verify(actual, expected);
      } catch (mismatch) {
        await discardPart(path);
        ctx.highWater = 0;
        throw mismatch;
      }
      await rename(`${path}.part`, path);
      await rm(`${path}.part.json`, { force: true });
      if (expected.sha256 !== null || expected.md5 !== null) {
        await writeVerifiedStamp(path, actual.sha256, actual.md5);
      }
      const result: DownloadResult = { url, path, ...actual, reused: false, recorded: isComplete(expected) };
      emit({ type: "download-done", ...result });
      return result;
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const retryable =
        error instanceof ChecksumMismatch || error instanceof RestartNeeded || isRetryable(error);
      if (!retryable) throw finalError(url, path, error, attempts);
      // A complete file that arrives wrong is fetched once more (a corrupted transfer), never again: a remote
      // file that changed would otherwise be downloaded `retries` more times (about 72 GB for COCO test2015).
      if (error instanceof ChecksumMismatch && ++mismatches > MAX_CHECKSUM_RETRIES) {
        throw finalError(url, path, error, attempts);
      }
      // New bytes mean the connection works; only failures in a row without progress count.
      failures = ctx.highWater > before && !(error instanceof ChecksumMismatch) ? 1 : failures + 1;
      if (failures > retries) throw finalError(url, path, error, attempts);
      const delayMs = retryDelayMs(
        failures,
        options.retryDelayMs ?? 1000,
        options.maxRetryDelayMs ?? 60_000,
        error,
      );
      emit({
        type: "download-retry",
        url,
        path,
        attempt: attempts,
        delayMs,
        reason: (error as Error).message,
      });
      await sleep(delayMs, undefined, options.signal === undefined ? {} : { signal: options.signal });
    }
  }
}
