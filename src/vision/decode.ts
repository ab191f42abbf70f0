/**
 * Image decoding: file path or encoded bytes → RgbImage, matching PIL's `Image.open(f).convert("RGB")`
 * (Pillow 9.4) as adapting-CLIP and GRIT use it. The only module besides `encode.ts` that imports sharp.
 */
import { readFile } from "node:fs/promises";
import sharp from "sharp";
import { GritlocError, invalidOption } from "../errors.js";
import type { RgbImage } from "./image.js";

export interface DecodeOptions {
  /** How errors name a buffer input (a path names itself). @default "<buffer>" */
  readonly name?: string;
}

/** Raw pixels as sharp hands them over, before the PIL-style conversion to RGB. */
interface RawPixels {
  readonly data: Uint8Array | Uint16Array;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly space: string;
}

/** Pillow's MULDIV255: round(a * b / 255) in integer arithmetic. */
function mulDiv255(a: number, b: number): number {
  const t = a * b + 128;
  return ((t >> 8) + t) >> 8;
}

/**
 * PIL's conversions to RGB (`src/libImaging/Convert.c` and the PNG/JPEG raw modes), applied to raw pixels:
 * alpha is dropped, not composited; grey is replicated; CMYK uses `cmyk2rgb`; 16-bit RGB(A) and grey+alpha
 * keep the high byte; 16-bit grey alone is PIL mode "I", which `i2rgb` clips to 0..255.
 */
function toRgb(raw: RawPixels): RgbImage {
  const { data, width, height, channels: c, space } = raw;
  const n = width * height;
  const out = new Uint8Array(n * 3);
  if (space === "cmyk") {
    for (let i = 0, p = 0; i < n; i++, p += c) {
      const nk = 255 - data[p + 3];
      for (let j = 0; j < 3; j++) {
        const v = nk - mulDiv255(data[p + j], nk);
        out[i * 3 + j] = Math.max(v, 0);
      }
    }
  } else if (data instanceof Uint16Array) {
    const clipGrey = space === "grey16" && c === 1;
    const grey = space === "grey16";
    for (let i = 0, p = 0; i < n; i++, p += c) {
      for (let j = 0; j < 3; j++) {
        const v = data[grey ? p : p + j];
        out[i * 3 + j] = clipGrey ? Math.min(v, 255) : v >> 8;
      }
    }
  } else if (c < 3) {
    for (let i = 0, p = 0; i < n; i++, p += c) out[i * 3] = out[i * 3 + 1] = out[i * 3 + 2] = data[p];
  } else if (c === 3) {
    out.set(data);
  } else {
    for (let i = 0, p = 0; i < n; i++, p += c) {
      out[i * 3] = data[p];
      out[i * 3 + 1] = data[p + 1];
      out[i * 3 + 2] = data[p + 2];
    }
  }
  return { data: out, width, height };
}

/** The pixels in the file's own colour space and depth: no ICC transform, no EXIF rotation (as PIL). */
async function readRaw(bytes: Uint8Array): Promise<RawPixels> {
  // failOn "truncated": abort on a truncated file as PIL does, but accept benign libjpeg warnings as PIL does.
  const options = { failOn: "truncated", ignoreIcc: true } as const;
  const meta = await sharp(bytes, options).metadata();
  const space = meta.space ?? "srgb";
  let pipeline = sharp(bytes, options);
  let depth: "uchar" | "ushort" = "uchar";
  if (space === "cmyk") {
    pipeline = pipeline.pipelineColourspace("cmyk").toColourspace("cmyk");
  } else if (space === "b-w") {
    pipeline = pipeline.toColourspace("b-w");
  } else if (space === "grey16" || space === "rgb16") {
    pipeline = pipeline.toColourspace(space);
    depth = "ushort";
  } else {
    pipeline = pipeline.toColourspace("srgb");
  }
  const { data, info } = await pipeline.raw({ depth }).toBuffer({ resolveWithObject: true });
  const pixels =
    depth === "ushort"
      ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return { data: pixels, width: info.width, height: info.height, channels: info.channels, space };
}

function decodeError(name: string, reason: string, cause: unknown): GritlocError {
  return new GritlocError(
    "E_IMAGE_DECODE",
    `Cannot decode image ${name}: ${reason}. The file is missing, truncated or not an image; ` +
      "download it again (e.g. `gritloc setup`) or remove the sample.",
    { cause, details: { file: name } },
  );
}

/**
 * Decodes an image file (or its bytes) to 8-bit RGB exactly as PIL's `Image.open(f).convert("RGB")`:
 * grey and palette images expand to RGB, alpha is dropped without compositing, CMYK converts with PIL's
 * formula, 16-bit PNGs keep PIL's quirks, EXIF orientation is NOT applied (GRIT boxes are in stored-pixel
 * coordinates) and embedded ICC profiles are ignored. Only the first frame of an animation is read.
 * Known gaps (not GRIT formats): BMP/ICO are not readable by sharp, and transparent GIF pixels come out black
 * where PIL shows the palette colour.
 * @throws GritlocError E_IMAGE_DECODE (message and `details.file` name the file) for a missing, truncated or
 *   unreadable file; E_INVALID_OPTION for an argument of the wrong type.
 * @example
 * const image = await decodeImage("images/coco/test2015/COCO_test2015_000000000001.jpg");
 */
export async function decodeImage(
  source: string | Uint8Array,
  options: DecodeOptions = {},
): Promise<RgbImage> {
  if (typeof source !== "string" && !(source instanceof Uint8Array)) {
    throw invalidOption("source", "a file path or a Uint8Array of encoded image bytes", source);
  }
  const name = typeof source === "string" ? source : (options.name ?? "<buffer>");
  let bytes: Uint8Array;
  try {
    bytes = typeof source === "string" ? await readFile(source) : source;
  } catch (error) {
    throw decodeError(name, (error as Error).message, error);
  }
  try {
    return toRgb(await readRaw(bytes));
  } catch (error) {
    throw decodeError(name, (error as Error).message, error);
  }
}

/**
 * Limits the threads libvips uses per decode in this thread's process (worker pools split the cores).
 * Returns the previous value.
 */
export function setDecodeConcurrency(threads: number): number {
  const previous = sharp.concurrency();
  sharp.concurrency(threads);
  return previous;
}

/** An image file's stored size and its EXIF orientation (1 when absent), read from the header only. */
export interface ImageHeader {
  readonly width: number;
  readonly height: number;
  /** EXIF orientation 1–8; 5–8 mean the displayed image is the stored one turned by 90°. */
  readonly orientation: number;
}

/**
 * Reads an image's size without decoding its pixels: the stored size (what PIL's `Image.open(f).size`
 * reports) and the EXIF orientation.
 * @throws GritlocError E_IMAGE_DECODE naming the file when it is missing or not an image.
 * @example
 * await readImageHeader("images/open_images/test/0a1b2c3d4e5f6a7b.jpg"); // { width: 1024, height: 683, orientation: 1 }
 */
export async function readImageHeader(path: string): Promise<ImageHeader> {
  try {
    const meta = await sharp(path).metadata();
    if (meta.width === undefined || meta.height === undefined) throw new Error("no size in the header");
    return { width: meta.width, height: meta.height, orientation: meta.orientation ?? 1 };
  } catch (error) {
    throw decodeError(path, (error as Error).message, error);
  }
}
