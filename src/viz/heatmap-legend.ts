/**
 * The heatmap picture `gritloc localize --heatmap` writes: (RgbImage, Heatmap, query, predicted boxes) → PNG of
 * the inferno overlay with the boxes in red, above a legend band: the query, a colour bar from 0 (cold) to 1
 * (hot) and the box colour. A bare overlay on a photo cannot be read without it.
 */
import type { BoxXyxy } from "../grit/box.js";
import { encodePng } from "../vision/encode.js";
import type { Heatmap } from "../vision/heatmap.js";
import type { RgbImage } from "../vision/image.js";
import { infernoLut } from "./colormap.js";
import { blendHeatmap, type HeatmapOverlayOptions } from "./heatmap-overlay.js";

export interface HeatmapLegendOptions extends HeatmapOverlayOptions {
  /** The text query the heatmap answers. */
  readonly query: string;
  /** Predicted boxes in image pixels, drawn in red. @default none */
  readonly boxes?: readonly BoxXyxy[];
}

const RED: readonly [number, number, number] = [230, 25, 25];
const BAND_BACKGROUND = 24;

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Draws a red rectangle outline of `thickness` pixels (clipped to the image) into `data` (RGB, row width `width`). */
function drawBox(data: Uint8Array, width: number, height: number, box: BoxXyxy, thickness: number): void {
  const clamp = (v: number, hi: number) => Math.max(0, Math.min(hi, Math.round(v)));
  const x1 = clamp(Math.min(box[0], box[2]), width - 1);
  const x2 = clamp(Math.max(box[0], box[2]), width - 1);
  const y1 = clamp(Math.min(box[1], box[3]), height - 1);
  const y2 = clamp(Math.max(box[1], box[3]), height - 1);
  const paint = (x: number, y: number) => {
    const o = (y * width + x) * 3;
    data[o] = RED[0];
    data[o + 1] = RED[1];
    data[o + 2] = RED[2];
  };
  for (let t = 0; t < thickness; t++) {
    for (let x = x1; x <= x2; x++) {
      paint(x, Math.min(y1 + t, y2));
      paint(x, Math.max(y2 - t, y1));
    }
    for (let y = y1; y <= y2; y++) {
      paint(Math.min(x1 + t, x2), y);
      paint(Math.max(x2 - t, x1), y);
    }
  }
}

/**
 * Geometry of the legend band below an image of width `width`: a text line, then the colour bar between its
 * "0 cold" and "1 hot" labels. Everything scales with the width so the legend stays legible on large photos.
 */
export function legendBandLayout(width: number): {
  height: number;
  unit: number;
  bar: { x: number; y: number; w: number; h: number };
} {
  const unit = Math.max(1, Math.round(width / 480));
  const x = 64 * unit;
  return { height: 50 * unit, unit, bar: { x, y: 28 * unit, w: Math.max(1, width - 2 * x), h: 12 * unit } };
}

/**
 * The overlay with boxes and legend as PNG bytes; the picture is the image's width and its height plus the band.
 * @throws GritlocError E_INVALID_OPTION for a malformed image, heatmap or opacity.
 * @example
 * await writeFile("heat.png", await heatmapLegendPng(image, heatmap, { query: "dog", boxes: [[10, 20, 200, 180]] }));
 */
export async function heatmapLegendPng(
  image: RgbImage,
  heatmap: Heatmap,
  options: HeatmapLegendOptions,
): Promise<Uint8Array> {
  const overlay = blendHeatmap(image, heatmap, options);
  const { width, height } = overlay;
  const band = legendBandLayout(width);
  const data = new Uint8Array(width * (height + band.height) * 3).fill(BAND_BACKGROUND);
  data.set(overlay.data);
  const thickness = Math.max(2, Math.round(Math.max(width, height) / 300));
  for (const box of options.boxes ?? []) drawBox(data, width, height, box, thickness);
  const lut = infernoLut();
  const { bar } = band;
  for (let x = 0; x < bar.w; x++) {
    const level = Math.round((x / Math.max(1, bar.w - 1)) * 255) * 3;
    for (let y = 0; y < bar.h; y++) {
      const o = ((height + bar.y + y) * width + bar.x + x) * 3;
      data[o] = lut[level];
      data[o + 1] = lut[level + 1];
      data[o + 2] = lut[level + 2];
    }
  }
  const { unit } = band;
  const font = `font-family="DejaVu Sans, sans-serif" font-size="${13 * unit}" fill="#eee"`;
  const text = (x: number, y: number, anchor: string, body: string) =>
    `<text x="${x}" y="${height + y}" text-anchor="${anchor}" ${font}>${escapeXml(body)}</text>`;
  const labelY = bar.y + bar.h - unit;
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + band.height}">`,
    text(8 * unit, 18 * unit, "start", `heat for "${options.query}"   (red: predicted boxes)`),
    text(bar.x - 6 * unit, labelY, "end", "0 cold"),
    text(bar.x + bar.w + 6 * unit, labelY, "start", "1 hot"),
    "</svg>",
  ].join("");
  return await encodePng({ data, width, height: height + band.height }, { overlaySvg: svg });
}
