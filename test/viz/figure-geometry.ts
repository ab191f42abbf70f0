/**
 * Test support: maps image coordinates of panel n to pixels of the rendered figure, from the figure's own
 * layout (margins, axis domains and ranges), and reads pixels of a decoded PNG.
 */
import sharp from "sharp";
import type { PlotlyFigure } from "../../src/viz/figure.js";

interface Axis {
  domain: [number, number];
  range: [number, number];
}

/** CSS-pixel position (x right, y down) of image point (x, y) in panel `n` (1-based). */
export function panelPixel(fig: PlotlyFigure, n: number, x: number, y: number): { px: number; py: number } {
  const layout = fig.layout as Record<string, unknown> & {
    width: number;
    height: number;
    margin: { l: number; r: number; t: number; b: number };
  };
  const suffix = n === 1 ? "" : String(n);
  const xa = layout[`xaxis${suffix}`] as Axis;
  const ya = layout[`yaxis${suffix}`] as Axis;
  const { l, r, t, b } = layout.margin;
  const plotW = layout.width - l - r;
  const plotH = layout.height - t - b;
  const px =
    l +
    (xa.domain[0] + ((x - xa.range[0]) / (xa.range[1] - xa.range[0])) * (xa.domain[1] - xa.domain[0])) *
      plotW;
  // range[1] is at the top of the domain (the y axis is reversed: range [h, 0]).
  const top = t + (1 - ya.domain[1]) * plotH;
  const py = top + ((y - ya.range[1]) / (ya.range[0] - ya.range[1])) * (ya.domain[1] - ya.domain[0]) * plotH;
  return { px, py };
}

export interface DecodedPng {
  readonly width: number;
  readonly height: number;
  rgb(x: number, y: number): [number, number, number];
}

export async function decodePng(bytes: Uint8Array): Promise<DecodedPng> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    rgb(x, y) {
      const o = (Math.round(y) * info.width + Math.round(x)) * 3;
      return [data[o], data[o + 1], data[o + 2]];
    },
  };
}

export const isRed = ([r, g, b]: [number, number, number]) => r > 200 && g < 90 && b < 90;
export const isBlue = ([r, g, b]: [number, number, number]) => b > 200 && r < 90 && g < 150;
