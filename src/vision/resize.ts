/**
 * Resize: RgbImage → RgbImage, bit-exact with Pillow 9.4 `Image.resize((w, h), filter)` on an RGB image
 * (BICUBIC, the default, or BILINEAR; no box, no reducing_gap). A port of Pillow's `src/libImaging/Resample.c`:
 * separable fixed-point convolution, horizontal pass first, with the intermediate image stored as uint8.
 */
import type { RgbImage } from "./image.js";
import { validatePositiveInteger, validateRgbImage } from "./image.js";

/** Pillow's `PRECISION_BITS` for 8-bit images: 32 - 8 - 2. */
const PRECISION_BITS = 22;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);

/** Fixed-point taps for one axis: output i reads `count[i]` inputs from `first[i]` with `weights[i * ksize + t]`. */
interface AxisCoefficients {
  readonly ksize: number;
  readonly first: Int32Array;
  readonly count: Int32Array;
  readonly weights: Int32Array;
}

/** A Pillow resampling filter: its kernel and its support (half-width) at scale 1. */
interface ResampleFilter {
  readonly kernel: (x: number) => number;
  readonly support: number;
}

/** Keys' cubic with a = -0.5, evaluated in Pillow's operation order (the doubles feed the fixed-point rounding). */
function bicubic(x: number): number {
  const a = -0.5;
  if (x < 0) x = -x;
  if (x < 1) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

/** Pillow's triangle filter (`bilinear_filter`). */
function triangle(x: number): number {
  if (x < 0) x = -x;
  if (x < 1) return 1.0 - x;
  return 0;
}

const BICUBIC: ResampleFilter = { kernel: bicubic, support: 2.0 };
const BILINEAR: ResampleFilter = { kernel: triangle, support: 1.0 };

/** Pillow's `precompute_coeffs` + `normalize_coeffs_8bpc` for the box [0, inSize]. */
function axisCoefficients(inSize: number, outSize: number, filter: ResampleFilter): AxisCoefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filter.support * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * ksize);
  const taps = new Float64Array(ksize);
  const invScale = 1.0 / filterScale;
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    // C's (int) cast truncates toward zero; the clamps keep it in range.
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let sum = 0;
    for (let x = 0; x < xmax; x++) {
      const w = filter.kernel((x + xmin - center + 0.5) * invScale);
      taps[x] = w;
      sum += w;
    }
    for (let x = 0; x < xmax; x++) {
      const w = sum !== 0 ? taps[x] / sum : taps[x];
      weights[i * ksize + x] = w < 0 ? Math.trunc(-0.5 + w * ONE) : Math.trunc(0.5 + w * ONE);
    }
    first[i] = xmin;
    count[i] = xmax;
  }
  return { ksize, first, count, weights };
}

/** Pillow's clip8: the accumulator's integer part clamped to a byte. */
function clip8(acc: number): number {
  const v = acc >> PRECISION_BITS;
  return v < 0 ? 0 : Math.min(v, 255);
}

/** Horizontal pass over rows [rowStart, rowStart + rows) of `src` into a `dstWidth`-wide uint8 image. */
function resampleRows(
  src: Uint8Array,
  srcWidth: number,
  rowStart: number,
  rows: number,
  dstWidth: number,
  c: AxisCoefficients,
): Uint8Array {
  const dst = new Uint8Array(dstWidth * rows * 3);
  const { ksize, first, count, weights } = c;
  for (let y = 0; y < rows; y++) {
    const rowBase = (y + rowStart) * srcWidth * 3;
    let o = y * dstWidth * 3;
    for (let x = 0; x < dstWidth; x++) {
      const kBase = x * ksize;
      const n = count[x];
      let p = rowBase + first[x] * 3;
      let r = HALF;
      let g = HALF;
      let b = HALF;
      for (let t = 0; t < n; t++) {
        const w = weights[kBase + t];
        r += src[p] * w;
        g += src[p + 1] * w;
        b += src[p + 2] * w;
        p += 3;
      }
      dst[o] = clip8(r);
      dst[o + 1] = clip8(g);
      dst[o + 2] = clip8(b);
      o += 3;
    }
  }
  return dst;
}

/**
 * Vertical pass: `src` is `width` wide; output row y reads rows first[y] - rowOffset onwards. Taps are applied a
 * whole row at a time into integer accumulators (exact, so the order of the additions does not matter).
 */
function resampleColumns(
  src: Uint8Array,
  width: number,
  dstHeight: number,
  rowOffset: number,
  c: AxisCoefficients,
): Uint8Array {
  const dst = new Uint8Array(width * dstHeight * 3);
  const { ksize, first, count, weights } = c;
  const stride = width * 3;
  const acc = new Int32Array(stride);
  for (let y = 0; y < dstHeight; y++) {
    acc.fill(HALF);
    const n = count[y];
    for (let t = 0; t < n; t++) {
      const w = weights[y * ksize + t];
      const row = (first[y] - rowOffset + t) * stride;
      for (let i = 0; i < stride; i++) acc[i] += src[row + i] * w;
    }
    const o = y * stride;
    for (let i = 0; i < stride; i++) dst[o + i] = clip8(acc[i]);
  }
  return dst;
}

/**
 * Resizes to exactly `width` × `height` (aspect ratio not kept) as Pillow 9.4's default `Image.resize` does for
 * RGB images, for downscaling and upscaling alike — bit-exact, including the uint8 rounding between the
 * horizontal and the vertical pass.
 * @throws GritlocError E_INVALID_OPTION for a malformed image or a non-positive size.
 * @example
 * const small = resizeBicubic(await decodeImage("photo.jpg"), 224, 224);
 */
export function resizeBicubic(img: RgbImage, width: number, height: number): RgbImage {
  return resizeWith(img, width, height, BICUBIC);
}

/**
 * Resizes to exactly `width` × `height` as Pillow 9.4's `Image.resize((width, height), Image.BILINEAR)` does
 * for RGB images (an antialiased triangle filter when downscaling) — bit-exact, like `resizeBicubic`.
 * detectron2's `ResizeShortestEdge` resamples with it.
 * @throws GritlocError E_INVALID_OPTION for a malformed image or a non-positive size.
 * @example
 * const resized = resizeBilinear(await decodeImage("photo.jpg"), 1068, 800);
 */
export function resizeBilinear(img: RgbImage, width: number, height: number): RgbImage {
  return resizeWith(img, width, height, BILINEAR);
}

function resizeWith(img: RgbImage, width: number, height: number, filter: ResampleFilter): RgbImage {
  validateRgbImage(img);
  validatePositiveInteger("width", width);
  validatePositiveInteger("height", height);
  const needHorizontal = width !== img.width;
  const needVertical = height !== img.height;
  if (!needHorizontal && !needVertical) return { data: img.data.slice(), width, height };
  if (!needVertical) {
    const horizontal = axisCoefficients(img.width, width, filter);
    return { data: resampleRows(img.data, img.width, 0, height, width, horizontal), width, height };
  }
  const vertical = axisCoefficients(img.height, height, filter);
  if (!needHorizontal) {
    return { data: resampleColumns(img.data, width, height, 0, vertical), width, height };
  }
  // Like Pillow, the horizontal pass only produces the source rows the vertical pass reads.
  const firstRow = vertical.first[0];
  const lastRow = vertical.first[height - 1] + vertical.count[height - 1];
  const horizontal = axisCoefficients(img.width, width, filter);
  const rows = resampleRows(img.data, img.width, firstRow, lastRow - firstRow, width, horizontal);
  return { data: resampleColumns(rows, width, height, firstRow, vertical), width, height };
}
