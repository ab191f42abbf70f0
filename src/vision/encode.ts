/**
 * Image encoding (pictures, data URIs): RgbImage → PNG or JPEG bytes, optionally resized on the way.
 * With `decode.ts` the only module that imports sharp.
 */
import sharp, { type Sharp } from "sharp";
import { invalidOption } from "../errors.js";
import type { RgbImage, Size } from "./image.js";

export interface EncodeOptions {
  /**
   * Resize to exactly this size first (aspect ratio not kept; sharp's default lanczos3 kernel). Useful to
   * shrink a photo to the size it is shown at before embedding it in a figure.
   * @default no resize
   */
  readonly resize?: Size;
}

export interface JpegOptions extends EncodeOptions {
  /** JPEG quality, an integer 1–100. @default 90 */
  readonly quality?: number;
}

function checkPositiveInteger(name: string, value: unknown): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw invalidOption(name, "a positive integer", value);
  }
}

/** Checks the image's shape, so sharp never sees a buffer that does not match width × height × 3. */
export function checkRgbImage(image: RgbImage, name = "image"): void {
  if (typeof image !== "object" || image === null) throw invalidOption(name, "an RgbImage", image);
  checkPositiveInteger(`${name}.width`, image.width);
  checkPositiveInteger(`${name}.height`, image.height);
  if (!(image.data instanceof Uint8Array)) throw invalidOption(`${name}.data`, "a Uint8Array", image.data);
  const expected = image.width * image.height * 3;
  if (image.data.length !== expected) {
    throw invalidOption(
      `${name}.data.length`,
      `width * height * 3 = ${expected} (${image.width}×${image.height} RGB)`,
      image.data.length,
    );
  }
}

function pipeline(image: RgbImage, options: EncodeOptions): Sharp {
  checkRgbImage(image);
  const input = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  let s = sharp(input, { raw: { width: image.width, height: image.height, channels: 3 } });
  if (options.resize !== undefined) {
    checkPositiveInteger("resize.width", options.resize.width);
    checkPositiveInteger("resize.height", options.resize.height);
    s = s.resize(options.resize.width, options.resize.height, { fit: "fill" });
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
