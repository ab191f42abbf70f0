/**
 * What every setup step shares: resolved options (root, cache folder, manifest, retry settings), the event
 * sink, and the lists the report is built from (archives used, per-image errors).
 */
import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { GritlocError } from "../errors.js";
import type { ZipExtractor } from "./extract-archive.js";
import type { GritDataManifest } from "./grit-manifest.js";
import type { PhaseProgress } from "./phase-progress.js";
import type { SetupEvent } from "./setup-events.js";
import type { ReportDownload } from "./setup-report.js";

export interface SetupContext {
  readonly root: string;
  /** `<root>/images` */
  readonly imagesDir: string;
  /** Where archives are kept (e.g. on Drive); extraction always goes to `root`. */
  readonly cacheDir: string;
  readonly manifest: GritDataManifest;
  readonly concurrency: number;
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly zipExtractor: ZipExtractor;
  readonly signal: AbortSignal | undefined;
  readonly emit: (event: SetupEvent) => void;
  readonly downloads: ReportDownload[];
  readonly errors: { imageId: string; code: string; message: string }[];
}

/** The download settings `setupGrit` and `buildProxy` take (`buildGroundTruth` some of them). */
export interface SetupRunOptions {
  /** Folder for downloaded files, e.g. on Drive. @default `<root>/downloads` */
  readonly cacheDir?: string;
  /** Images downloaded at once. @default 8 */
  readonly concurrency?: number;
  /** Failed attempts in a row per file before giving up. @default 5 */
  readonly retries?: number;
  /** First retry delay in ms (doubles each retry). @default 1000 */
  readonly retryDelayMs?: number;
  /** @default "auto" (unzip when installed) */
  readonly zipExtractor?: ZipExtractor;
  readonly onEvent?: (event: SetupEvent) => void;
  readonly signal?: AbortSignal;
}

/**
 * A context (without the manifest) for the resolved `root`, with the defaults: cache `<root>/downloads`,
 * 8 downloads at once, 5 attempts from a 1 s delay, zip extractor "auto"; nothing downloaded or failed yet.
 */
export function setupContext(root: string, options: SetupRunOptions): Omit<SetupContext, "manifest"> {
  return {
    root,
    imagesDir: join(root, "images"),
    cacheDir: resolve(options.cacheDir ?? join(root, "downloads")),
    concurrency: options.concurrency ?? 8,
    retries: options.retries ?? 5,
    retryDelayMs: options.retryDelayMs ?? 1000,
    zipExtractor: options.zipExtractor ?? "auto",
    signal: options.signal,
    emit: options.onEvent ?? (() => {}),
    downloads: [],
    errors: [],
  };
}

/** True when `path` is a non-empty file (setup writes files atomically, so a present file is complete). */
export async function isPresent(path: string): Promise<boolean> {
  try {
    const s = await stat(path);
    return s.isFile() && s.size > 0;
  } catch {
    return false;
  }
}

/** The image ids of `ids` not yet under `ctx.imagesDir`, in their order. */
export async function absentImages(
  ctx: Pick<SetupContext, "imagesDir">,
  ids: readonly string[],
): Promise<string[]> {
  const present = await Promise.all(ids.map((id) => isPresent(join(ctx.imagesDir, id))));
  return ids.filter((_, i) => !present[i]);
}

/** The code and message of any error, for reports. */
export function describeError(error: unknown): { code: string; message: string } {
  const e = error as Partial<GritlocError>;
  return { code: typeof e.code === "string" ? e.code : "E_UNKNOWN", message: String(e.message ?? error) };
}

/** An image that could not be fetched or made: listed in the report's errors and counted as a failed item. */
export function failImage(
  ctx: Pick<SetupContext, "errors">,
  progress: PhaseProgress,
  imageId: string,
  error: { code: string; message: string },
): void {
  ctx.errors.push({ imageId, ...error });
  progress.fail(imageId, error);
}
