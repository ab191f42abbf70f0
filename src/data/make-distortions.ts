/**
 * Distorted images: the undistorted images + GRIT's delta file → `images/distorted/...` exactly as
 * allenai/grit_official generate_distortions.py writes them (decode as RGB, add the delta with NumPy uint8
 * semantics, save with PIL's defaults for the extension).
 */
import { join } from "node:path";
import { GritlocError } from "../errors.js";
import { decodeImage } from "../vision/decode.js";
import { applyDistortionDelta } from "./apply-delta.js";
import { Hdf5Reader } from "./hdf5-file.js";
import type { PhaseProgress } from "./phase-progress.js";
import type { DistortedImage } from "./plan-images.js";
import { runPool } from "./run-pool.js";
import { saveLikePil } from "./save-like-pil.js";
import { describeError, failImage, isPresent, type SetupContext } from "./setup-context.js";

/** Makes each of `items` from `deltasPath`; per-image failures are reported, the rest go on. */
export async function makeDistortedImages(
  ctx: SetupContext,
  progress: PhaseProgress,
  items: readonly DistortedImage[],
  deltasPath: string,
): Promise<void> {
  const deltas = await Hdf5Reader.open(deltasPath);
  try {
    await runPool(
      items,
      Math.min(ctx.concurrency, 4),
      async (item) => {
        try {
          const source = join(ctx.imagesDir, item.sourceImageId);
          if (!(await isPresent(source))) {
            throw new GritlocError("E_NOT_FOUND", `its undistorted image ${item.sourceImageId} is missing`);
          }
          if (!deltas.has(item.deltaKey)) {
            throw new GritlocError(
              "E_NOT_FOUND",
              `${deltasPath} has no delta "${item.deltaKey}" for ${item.exampleId}`,
            );
          }
          const image = await decodeImage(source);
          const distorted = applyDistortionDelta(
            image,
            deltas.read(item.deltaKey),
            `delta "${item.deltaKey}"`,
          );
          await saveLikePil(distorted, join(ctx.imagesDir, item.imageId));
          progress.item(true);
        } catch (error) {
          failImage(ctx, progress, item.imageId, describeError(error));
        }
      },
      ctx.signal,
    );
  } finally {
    deltas.close();
  }
}
