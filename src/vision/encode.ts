/**
 * Image encoding (pictures, data URIs): RgbImage → PNG or JPEG bytes, optionally resized on the way.
 * With `decode.ts` the only module that imports sharp.
 */
import sharp, { type Sharp } from "sharp";
import { invalidOption } from "../errors.js";
import { type RgbImage, type Size, validatePositiveInteger, validateRgbImage } from "./image.js";

export interface EncodeOptions {
  /**
   * Resize to exactly this size first (aspect ratio not kept; sharp's default lanczos3 kernel). Useful to
   * shrink a photo to the size it is shown at before embedding it in a figure.
   * @default no resize
   */
  readonly resize?: Size;
  /**
   * An SVG document drawn over the image (after any resize), e.g. legend text; its size should be the output
   * size. Text needs a font that fontconfig finds (any sans-serif); without one the text is left out.
   * @default none
   */
  readonly overlaySvg?: string;
}

export interface JpegOptions extends EncodeOptions {
  /** JPEG quality, an integer 1–100. @default 90 */
  readonly quality?: number;
}

function pipeline(image: RgbImage, options: EncodeOptions): Sharp {
  validateRgbImage(image);
  const input = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  let s = sharp(input, { raw: { width: image.width, height: image.height, channels: 3 } });
  if (options.resize !== undefined) {
    validatePositiveInteger("resize.width", options.resize.width);
    validatePositiveInteger("resize.height", options.resize.height);
    s = s.resize(options.resize.width, options.resize.height, { fit: "fill" });
  }
  if (options.overlaySvg !== undefined) {
    if (typeof options.overlaySvg !== "string")
      throw invalidOption("overlaySvg", "an SVG string", options.overlaySvg);
    s = s.composite([{ input: Buffer.from(options.overlaySvg), top: 0, left: 0 }]);
  }
  return s;
}

/**
 * Encodes an RGB image as an 8-bit RGB PNG.
 * @throws GritlocError E_INVALID_OPTION when the image's data does not match its size.
 * @example
 * await writeFile("out.png", await encodePng(image));
 */
export async function encodePng(image: RgbImage, options: EncodeOptions = {}): Promise<Uint8Array> {
  return await pipeline(image, options).png().toBuffer();
}

/**
 * Encodes an RGB image as a baseline JPEG (4:2:0 chroma subsampling, sharp's default).
 * @throws GritlocError E_INVALID_OPTION when the image's data does not match its size or quality is not 1–100.
 * @example
 * const bytes = await encodeJpeg(image, { quality: 85 });
 */
export async function encodeJpeg(image: RgbImage, options: JpegOptions = {}): Promise<Uint8Array> {
  const quality = options.quality ?? 90;
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
    throw invalidOption("quality", "an integer from 1 to 100", quality);
  }
  return await pipeline(image, options).jpeg({ quality }).toBuffer();
}
