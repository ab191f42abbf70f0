/**
 * Saving images the way GRIT's scripts do with PIL's `Image.save(path)`: the format follows the extension;
 * JPEG uses PIL's defaults (quality 75, 4:2:0 chroma subsampling, standard tables), PNG is lossless.
 * sharp's JPEG at quality 75 decodes to the very same pixels as PIL's (only the Huffman tables differ,
 * checked by test/data/save-like-pil.test.ts), so downstream models see identical inputs.
 */
import { extname } from "node:path";
import { writeFileAtomic } from "../atomic-file.js";
import { GritlocError } from "../errors.js";
import { encodeJpeg, encodePng } from "../vision/encode.js";
import type { RgbImage } from "../vision/image.js";

/** PIL's default JPEG quality (Pillow `JpegImagePlugin`: quality -1 → libjpeg's default 75). */
export const PIL_DEFAULT_JPEG_QUALITY = 75;

/** Encodes `image` by `path`'s extension as PIL would and writes it atomically. */
export async function saveLikePil(image: RgbImage, path: string): Promise<void> {
  const ext = extname(path).toLowerCase();
  let bytes: Uint8Array;
  if (ext === ".jpg" || ext === ".jpeg")
    bytes = await encodeJpeg(image, { quality: PIL_DEFAULT_JPEG_QUALITY });
  else if (ext === ".png") bytes = await encodePng(image);
  else {
    throw new GritlocError(
      "E_DATA_INVALID",
      `cannot save ${path}: GRIT images are .jpg or .png, not "${ext}". Check the samples file.`,
    );
  }
  await writeFileAtomic(path, bytes);
}
