/**
 * Box conversion rules: an Open Images normalized box (+ image size) or a NYUv2 pixel extent → an integer
 * `[x1, y1, x2, y2]` box in GRIT's pixel convention, as the `openImagesPixels` and `nyuv2BoxEnd` rules say;
 * and the image size boxes are measured in, as the `exifRotation` rule says.
 */
import type { BoxXyxy } from "../grit/box.js";
import { roundHalfEven } from "../grit/round-half-even.js";
import type { ImageHeader } from "../vision/decode.js";
import type { Size } from "../vision/image.js";
import type { GtRules } from "./gt-rules.js";
import type { Nyuv2InstanceExtent } from "./nyuv2-annotations.js";

/** Normalized coordinates in [0, 1] of the image width (x) and height (y). */
export interface NormalizedBox {
  readonly xMin: number;
  readonly xMax: number;
  readonly yMin: number;
  readonly yMax: number;
}

function clamp(v: number, max: number): number {
  return v < 0 ? 0 : Math.min(v, max);
}

/**
 * The size an image's ground truth is measured in under the `exifRotation` rule: its stored size, with width and
 * height swapped under "apply" for EXIF orientations 5–8 (the displayed image is the stored one turned by 90°).
 * @example
 * ruleImageSize({ width: 640, height: 480, orientation: 6 }, "apply"); // { width: 480, height: 640 }
 */
export function ruleImageSize(header: ImageHeader, rule: GtRules["exifRotation"]): Size {
  return rule === "apply" && header.orientation >= 5
    ? { width: header.height, height: header.width }
    : { width: header.width, height: header.height };
}

/**
 * One coordinate under the `openImagesPixels` rule; `extent` is W (for x) or H (for y). Rounding is half to
 * even, as Python's `round` (GRIT's tooling is Python; which rounding it used is not published).
 * @example
 * scaleCoordinate(1, 1024, "round-clip"); // 1023 (a box touching the right edge ends at W − 1)
 */
export function scaleCoordinate(v: number, extent: number, rule: GtRules["openImagesPixels"]): number {
  if (rule === "float") return v * extent;
  if (rule === "scale-minus-one") return clamp(roundHalfEven(v * (extent - 1), 0), extent - 1);
  return clamp(roundHalfEven(v * extent, 0), extent - 1);
}

/**
 * An Open Images box on an image of `size` (the size the `exifRotation` rule picked).
 * @example
 * openImagesPixelBox({ xMin: 0.1171875, xMax: 1, yMin: 0.042, yMax: 0.96 }, { width: 1024, height: 1024 }, "round-clip");
 * // [120, 43, 1023, 983]
 */
export function openImagesPixelBox(
  box: NormalizedBox,
  size: Size,
  rule: GtRules["openImagesPixels"],
): BoxXyxy {
  return [
    scaleCoordinate(box.xMin, size.width, rule),
    scaleCoordinate(box.yMin, size.height, rule),
    scaleCoordinate(box.xMax, size.width, rule),
    scaleCoordinate(box.yMax, size.height, rule),
  ];
}

/** A NYUv2 pixel extent as a box: inclusive ends (the last pixel) or exclusive (one past it). */
export function nyuv2PixelBox(extent: Nyuv2InstanceExtent, end: GtRules["nyuv2BoxEnd"]): BoxXyxy {
  const add = end === "exclusive" ? 1 : 0;
  return [extent.xMin, extent.yMin, extent.xMax + add, extent.yMax + add];
}

/** Merges the extents of one label into one (the `nyuv2Boxes: "label"` rule). */
export function mergeExtents(extents: readonly Nyuv2InstanceExtent[]): Nyuv2InstanceExtent {
  const [first, ...rest] = extents as [Nyuv2InstanceExtent, ...Nyuv2InstanceExtent[]];
  let { xMin, yMin, xMax, yMax, pixels } = first;
  for (const e of rest) {
    xMin = Math.min(xMin, e.xMin);
    yMin = Math.min(yMin, e.yMin);
    xMax = Math.max(xMax, e.xMax);
    yMax = Math.max(yMax, e.yMax);
    pixels += e.pixels;
  }
  return { label: first.label, instance: first.instance, xMin, yMin, xMax, yMax, pixels };
}
