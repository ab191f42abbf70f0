/**
 * RegionCLIP test-time pre-processing for the offline R50-FPN + RPN: RgbImage → detectron2
 * `ResizeShortestEdge(800, 1333)` with PIL bilinear → BGR, minus the caffe pixel mean, zero-padded to a multiple
 * of 32 → Float32Array [1, 3, Hp, Wp] (`detectron2/data/transforms/augmentation_impl.py`,
 * `modeling/meta_arch/clip_rcnn.py` `offline_preprocess_image`, `structures/image_list.py`).
 * The CLIP branch's input is `clipPixelValues(resized)` (src/models/clip/preprocess.ts): RGB, no padding.
 */
import type { RgbImage, Size } from "../../vision/image.js";
import { validatePositiveInteger, validateRgbImage } from "../../vision/image.js";
import { resizeBilinear } from "../../vision/resize.js";

/** `INPUT.MIN_SIZE_TEST` and `INPUT.MAX_SIZE_TEST` of the zero-shot configs. */
export const SHORT_EDGE = 800;
export const MAX_SIZE = 1333;
/** The offline R50-FPN's `PIXEL_MEAN` in BGR order (`PIXEL_STD` is 1, so no division). */
export const RPN_PIXEL_MEAN_BGR = [103.53, 116.28, 123.675] as const;
/** `size_divisibility` of the FPN backbone: the padded input is a multiple of this. */
export const SIZE_DIVISIBILITY = 32;

/** What the RPN and the recognition branch need from one image. */
export interface RegionClipInput {
  /** The source image's size (detector_postprocess maps boxes back to it). */
  readonly originalSize: Size;
  /** The PIL-bilinear resized image (RGB, uint8): the CLIP branch's input and the frame of every box. */
  readonly resized: RgbImage;
  /** `resized` as BGR minus the pixel mean, zero-padded bottom/right to `paddedSize`: [1, 3, Hp, Wp]. */
  readonly rpnInput: Float32Array;
  readonly paddedSize: Size;
}

/**
 * detectron2 `ResizeShortestEdge.get_output_shape`: the short side to `shortEdge`, the long side capped at
 * `maxSize`, each rounded with `int(x + 0.5)`.
 * @example resizeShortestEdgeSize({ width: 1024, height: 767 }) // { width: 1068, height: 800 }
 */
export function resizeShortestEdgeSize(size: Size, shortEdge = SHORT_EDGE, maxSize = MAX_SIZE): Size {
  validatePositiveInteger("width", size.width);
  validatePositiveInteger("height", size.height);
  const { width: w, height: h } = size;
  const scale = shortEdge / Math.min(h, w);
  let newh = h < w ? shortEdge : scale * h;
  let neww = h < w ? scale * w : shortEdge;
  const longest = Math.max(newh, neww);
  if (longest > maxSize) {
    const shrink = maxSize / longest;
    newh *= shrink;
    neww *= shrink;
  }
  return { width: Math.trunc(neww + 0.5), height: Math.trunc(newh + 0.5) };
}

/** The smallest multiple of `SIZE_DIVISIBILITY` that is ≥ each side. */
export function paddedSize(size: Size): Size {
  const up = (n: number) => Math.ceil(n / SIZE_DIVISIBILITY) * SIZE_DIVISIBILITY;
  return { width: up(size.width), height: up(size.height) };
}

/**
 * The RPN input of an already resized image: channels flipped to BGR, `x − mean` in float32, then zero padding
 * bottom/right (after the normalisation, as `ImageList.from_tensors` pads) → [1, 3, Hp, Wp].
 */
export function rpnPixelValues(resized: RgbImage): { data: Float32Array; size: Size } {
  validateRgbImage(resized, "resized");
  const { width, height, data } = resized;
  const size = paddedSize(resized);
  const plane = size.width * size.height;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const rgb = 2 - c;
    const mean = Math.fround(RPN_PIXEL_MEAN_BGR[c]);
    const table = new Float32Array(256);
    for (let v = 0; v < 256; v++) table[v] = v - mean;
    const base = c * plane;
    for (let y = 0; y < height; y++) {
      const row = base + y * size.width;
      let p = y * width * 3 + rgb;
      for (let x = 0; x < width; x++, p += 3) out[row + x] = table[data[p]];
    }
  }
  return { data: out, size };
}

/**
 * Resizes an image as RegionCLIP's test-time mapper does and builds the offline RPN's input.
 * @throws GritlocError E_INVALID_OPTION for a malformed image.
 * @example
 * const input = preprocessRegionClip(await decodeImage("photo.jpg"));
 * input.resized.width; // 1068 for a 1024×767 photo; input.paddedSize.width === 1088
 */
export function preprocessRegionClip(image: RgbImage): RegionClipInput {
  validateRgbImage(image);
  const target = resizeShortestEdgeSize(image);
  const resized = resizeBilinear(image, target.width, target.height);
  const rpn = rpnPixelValues(resized);
  return {
    originalSize: { width: image.width, height: image.height },
    resized,
    rpnInput: rpn.data,
    paddedSize: rpn.size,
  };
}
