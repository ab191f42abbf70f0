/**
 * Verification pass: image ids → each decoded from `images/` to prove it is present and readable, with
 * counts per group (the four sources, and `other` for images of no known source), the missing and corrupt ones,
 * and the largest side seen. Images decoded before and
 * unchanged since (same size and mtime, remembered in `.gritloc/verified-images.json`) are not decoded again
 * unless `full` is set.
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../atomic-file.js";
import { decodeImage } from "../vision/decode.js";
import { PhaseProgress } from "./phase-progress.js";
import type { ImageSource } from "./plan-images.js";
import { runPool } from "./run-pool.js";
import type { SetupEvent } from "./setup-events.js";

export interface SourceCheck {
  readonly referenced: number;
  readonly present: number;
  readonly missing: number;
  readonly corrupt: number;
  /** The largest width or height among the present images (e.g. ≤ 1024 for Open Images), null if none. */
  readonly largestSide: number | null;
}

/** A source, or `other`: images the samples name that belong to no known source (checked, never fetched). */
export type ImageGroup = ImageSource | "other";

export interface ImageCheck {
  readonly sources: Record<ImageGroup, SourceCheck>;
  readonly missing: string[];
  readonly corrupt: { readonly imageId: string; readonly message: string }[];
}

export interface CheckImagesOptions {
  readonly concurrency: number;
  /** Decode every image even when the verification cache says it is unchanged. */
  readonly full: boolean;
  readonly emit: (event: SetupEvent) => void;
  readonly signal?: AbortSignal;
}

/** [size, mtimeMs, width, height] of a decoded image. */
type Stamp = [number, number, number, number];

function cachePath(root: string): string {
  return join(root, ".gritloc", "verified-images.json");
}

async function readCache(root: string): Promise<Map<string, Stamp>> {
  try {
    const parsed = JSON.parse(await readFile(cachePath(root), "utf8")) as { images?: Record<string, Stamp> };
    return new Map(Object.entries(parsed.images ?? {}));
  } catch {
    return new Map();
  }
}

/** Checks every image of `bySource`; the cache is updated with what was decoded. */
export async function checkImages(
  root: string,
  bySource: Readonly<Record<ImageGroup, readonly string[]>>,
  options: CheckImagesOptions,
): Promise<ImageCheck> {
  const cache = options.full ? new Map<string, Stamp>() : await readCache(root);
  const entries = (Object.entries(bySource) as [ImageGroup, readonly string[]][]).flatMap(([source, ids]) =>
    ids.map((imageId) => ({ source, imageId })),
  );
  const progress = new PhaseProgress("verify", entries.length, options.emit);
  progress.start(`decoding ${entries.length} images under ${join(root, "images")}`);
  const missing: string[] = [];
  const corrupt: { imageId: string; message: string }[] = [];
  const present = new Map<string, Stamp>();
  await runPool(
    entries,
    options.concurrency,
    async ({ imageId }) => {
      const path = join(root, "images", imageId);
      let info: { size: number; mtimeMs: number };
      try {
        info = await stat(path);
      } catch {
        missing.push(imageId);
        progress.fail(imageId, { code: "E_NOT_FOUND", message: `missing: ${path}` });
        return;
      }
      const cached = cache.get(imageId);
      if (cached !== undefined && cached[0] === info.size && cached[1] === info.mtimeMs) {
        present.set(imageId, cached);
        progress.item(true);
        return;
      }
      try {
        const image = await decodeImage(path);
        present.set(imageId, [info.size, info.mtimeMs, image.width, image.height]);
        progress.item(true);
      } catch (error) {
        const message = (error as Error).message;
        corrupt.push({ imageId, message });
        progress.fail(imageId, { code: "E_IMAGE_DECODE", message });
      }
    },
    options.signal,
  );
  progress.end();
  const images = Object.fromEntries([...(await readCache(root)), ...present]);
  await writeFileAtomic(cachePath(root), `${JSON.stringify({ version: 1, images })}\n`);
  const missingSet = new Set(missing);
  const corruptSet = new Set(corrupt.map((c) => c.imageId));
  const sources = {} as Record<ImageGroup, SourceCheck>;
  for (const [source, ids] of Object.entries(bySource) as [ImageGroup, readonly string[]][]) {
    let largest: number | null = null;
    for (const id of ids) {
      const stamp = present.get(id);
      if (stamp !== undefined) largest = Math.max(largest ?? 0, stamp[2], stamp[3]);
    }
    sources[source] = {
      referenced: ids.length,
      present: ids.filter((id) => present.has(id)).length,
      missing: ids.filter((id) => missingSet.has(id)).length,
      corrupt: ids.filter((id) => corruptSet.has(id)).length,
      largestSide: largest,
    };
  }
  return {
    sources,
    missing: missing.sort(),
    corrupt: corrupt.sort((a, b) => (a.imageId < b.imageId ? -1 : 1)),
  };
}
