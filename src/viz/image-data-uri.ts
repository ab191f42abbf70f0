/**
 * Pictures inside figures: RgbImage → `data:image/png;base64,…` (or JPEG), shrunk first to the pixels a
 * figure can show, so a 16-panel grid stays a few MB instead of tens.
 */
import { encodeJpeg, encodePng } from "../vision/encode.js";
import type { RgbImage, Size } from "../vision/image.js";

export interface ImageDataUriOptions {
  /** Largest size to keep; bigger images are shrunk (aspect kept). @default keep the image's size */
  readonly maxSize?: Size;
  /** PNG (lossless) or JPEG (quality 90, ~10× smaller for photos). @default "png" */
  readonly format?: "png" | "jpeg";
}

/**
 * Encodes an image as a data URI for plotly's `layout.images`.
 * @example
 * const src = await imageDataUri(image, { maxSize: { width: 512, height: 512 } });
 */
export async function imageDataUri(image: RgbImage, options: ImageDataUriOptions = {}): Promise<string> {
  const { maxSize, format = "png" } = options;
  const scale =
    maxSize === undefined ? 1 : Math.min(1, maxSize.width / image.width, maxSize.height / image.height);
  const resize =
    scale < 1
      ? {
          width: Math.max(1, Math.round(image.width * scale)),
          height: Math.max(1, Math.round(image.height * scale)),
        }
      : undefined;
  const bytes =
    format === "jpeg" ? await encodeJpeg(image, { resize, quality: 90 }) : await encodePng(image, { resize });
  return `data:image/${format};base64,${Buffer.from(bytes).toString("base64")}`;
}
