/**
 * The one type for decoded pixels: 8-bit RGB, HWC, row-major. Every input is converted into it by
 * `decodeImage`, and nothing downstream asks where an image came from.
 */

export interface Size {
  readonly width: number;
  readonly height: number;
}

export interface RgbImage extends Size {
  /** HWC RGB bytes, length width * height * 3. */
  readonly data: Uint8Array;
}
