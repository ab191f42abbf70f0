/**
 * Images fetched one by one from a URL template (COCO single images, Open Images by id): image ids →
 * files under `images/`, several at a time, each resumable and retried. Images the server does not have
 * (HTTP 403/404/410) are returned so the caller can use a fallback or report them.
 */
import { basename, join } from "node:path";
import { isGritlocError } from "../errors.js";
import { downloadFile } from "./download-file.js";
import type { ImageUrlSource } from "./grit-manifest.js";
import type { PhaseProgress } from "./phase-progress.js";
import { runPool } from "./run-pool.js";
import { describeError, failImage, type SetupContext } from "./setup-context.js";

const NOT_SERVED = new Set([403, 404, 410]);

/** The URL of an image id: `{file}` in the template replaced by its (URI-encoded) file name. */
export function imageUrl(source: ImageUrlSource, imageId: string): string {
  return source.imageUrl.replaceAll("{file}", encodeURIComponent(basename(imageId)));
}

/**
 * Downloads `imageIds` from `source`; failures other than "not served" are reported on `progress` and in
 * `ctx.errors`. Returns the ids the server does not serve (not yet counted on `progress`).
 */
export async function fetchUrlImages(
  ctx: Pick<SetupContext, "imagesDir" | "concurrency" | "retries" | "retryDelayMs" | "signal" | "errors">,
  progress: PhaseProgress,
  source: ImageUrlSource,
  imageIds: readonly string[],
): Promise<string[]> {
  const notServed: string[] = [];
  await runPool(
    imageIds,
    ctx.concurrency,
    async (imageId) => {
      try {
        const result = await downloadFile(imageUrl(source, imageId), join(ctx.imagesDir, imageId), {
          retries: ctx.retries,
          retryDelayMs: ctx.retryDelayMs,
          ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
        });
        progress.addBytes(result.size);
        progress.item(true);
      } catch (error) {
        const status = isGritlocError(error, "E_DOWNLOAD")
          ? (error.details as { status?: number }).status
          : null;
        if (status != null && NOT_SERVED.has(status)) {
          notServed.push(imageId);
          return;
        }
        if (ctx.signal?.aborted) throw error;
        failImage(ctx, progress, imageId, describeError(error));
      }
    },
    ctx.signal,
  );
  return notServed;
}
