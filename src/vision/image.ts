/**
 * The one type for decoded pixels: 8-bit RGB, HWC, row-major. Every input is converted into it by
 * `decodeImage`, and nothing downstream asks where an image came from.
 */
import { invalidOption } from "../errors.js";

export interface Size {
  readonly width: number;
  readonly height: number;
}

export interface RgbImage extends Size {
  /** HWC RGB bytes, length width * height * 3. */
  readonly data: Uint8Array;
}

/** Throws E_INVALID_OPTION unless `value` is an integer ≥ 1. */
export function validatePositiveInteger(name: string, value: unknown): asserts value is number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw invalidOption(name, "a positive integer", value);
  }
}

/**
 * Checks an RgbImage's shape before any pixel loop trusts it.
 * @throws GritlocError E_INVALID_OPTION naming the field and what was received.
 */
export function validateRgbImage(image: RgbImage, name = "image"): void {
  if (typeof image !== "object" || image === null) throw invalidOption(name, "an RgbImage", image);
  validatePositiveInteger(`${name}.width`, image.width);
  validatePositiveInteger(`${name}.height`, image.height);
  if (!(image.data instanceof Uint8Array)) throw invalidOption(`${name}.data`, "a Uint8Array", image.data);
  const expected = image.width * image.height * 3;
  if (image.data.length !== expected) {
    throw invalidOption(`${name}.data.length`, `width * height * 3 = ${expected}`, image.data.length);
  }
}
