/**
 * Heatmap overlays: (RgbImage, Heatmap in the model's input space) → the image with the heatmap resized to
 * its size and blended in with the inferno colormap (RgbImage, or PNG bytes).
 */
import { invalidOption } from "../errors.js";
import { encodePng } from "../vision/encode.js";
import type { Heatmap } from "../vision/heatmap.js";
import { type RgbImage, validateRgbImage } from "../vision/image.js";
import { infernoLut } from "./colormap.js";
import { resizeHeatmapBilinear } from "./resize-heatmap.js";

export interface HeatmapOverlayOptions {
  /**
   * Colour weight at the hottest value, 0–1. The weight at heat h is `opacity · (0.4 + 0.6·h)`, so cold
   * regions keep most of the photo (slightly darkened towards inferno's black) and hot regions turn
   * orange-yellow.
   * @default 0.75
   */
  readonly opacity?: number;
}

function checkHeatmap(heatmap: Heatmap): void {
  if (typeof heatmap !== "object" || heatmap === null) throw invalidOption("heatmap", "a Heatmap", heatmap);
  for (const key of ["width", "height"] as const) {
    const v = heatmap[key];
    if (!Number.isInteger(v) || v < 1) throw invalidOption(`heatmap.${key}`, "a positive integer", v);
  }
  if (!(heatmap.data instanceof Float32Array)) {
    throw invalidOption("heatmap.data", "a Float32Array", heatmap.data);
  }
  if (heatmap.data.length !== heatmap.width * heatmap.height) {
    throw invalidOption(
      "heatmap.data.length",
      `width * height = ${heatmap.width * heatmap.height}`,
      heatmap.data.length,
    );
  }
}

/**
 * Blends a heatmap over an image. The heatmap (values in [0, 1]; outside values are clamped, NaN counts as 0)
 * may have any size: it is resized bilinearly (half-pixel centres) to the image's size, which matches how a
 * 224×224 SLICViT heatmap maps onto the source image when the model resized it ignoring aspect ratio.
 * @throws GritlocError E_INVALID_OPTION for a malformed image or heatmap or an opacity outside [0, 1].
 */
export function blendHeatmap(
  image: RgbImage,
  heatmap: Heatmap,
  options: HeatmapOverlayOptions = {},
): RgbImage {
  validateRgbImage(image);
  checkHeatmap(heatmap);
  const opacity = options.opacity ?? 0.75;
  if (typeof opacity !== "number" || !(opacity >= 0 && opacity <= 1)) {
    throw invalidOption("opacity", "a number from 0 to 1", opacity);
  }
  const { width, height } = image;
  const heat = resizeHeatmapBilinear(heatmap, { width, height });
  const lut = infernoLut();
  const out = new Uint8Array(width * height * 3);
  const src = image.data;
  for (let p = 0; p < heat.length; p++) {
    const h = heat[p] > 0 ? Math.min(heat[p], 1) : 0; // also maps NaN to 0
    const a = opacity * (0.4 + 0.6 * h);
    const l = Math.round(h * 255) * 3;
    const o = p * 3;
    out[o] = Math.round(src[o] * (1 - a) + lut[l] * a);
    out[o + 1] = Math.round(src[o + 1] * (1 - a) + lut[l + 1] * a);
    out[o + 2] = Math.round(src[o + 2] * (1 - a) + lut[l + 2] * a);
  }
  return { data: out, width, height };
}

/**
 * The heatmap overlay as PNG bytes at the image's size (see `blendHeatmap` for the blending).
 * @example
 * await writeFile("heat.png", await heatmapOverlayPng(image, heatmap)); // heatmap: 224×224 from SLICViT
 */
export async function heatmapOverlayPng(
  image: RgbImage,
  heatmap: Heatmap,
  options: HeatmapOverlayOptions = {},
): Promise<Uint8Array> {
  return await encodePng(blendHeatmap(image, heatmap, options));
}
