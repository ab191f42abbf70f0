/**
 * Mini-set objects: a shape, a centre, a radius and a colour → pixels painted into an RgbImage, and the tight
 * box around the painted pixels (the ground truth, `[x1, y1, x2, y2]` in pixel-edge coordinates).
 */
import type { BoxXyxy } from "../grit/box.js";
import type { RgbImage } from "../vision/image.js";

/** The shapes the mini set draws; each is one GRIT concept (its query and lemma). */
export const MINI_SHAPES = ["circle", "square", "triangle", "star", "ring", "plus sign"] as const;
export type MiniShape = (typeof MINI_SHAPES)[number];

/** One object to draw: centre (cx, cy) on a pixel corner, `radius` = half the object's width. */
export interface ShapeSpec {
  readonly shape: MiniShape;
  readonly cx: number;
  readonly cy: number;
  readonly radius: number;
  readonly color: readonly [number, number, number];
}

// Star vertices (x, y) on the unit circle ×1000 at −90° + k·36°; odd k are the inner points (scaled by 0.4).
const STAR_UNIT: readonly (readonly [number, number])[] = [
  [0, -1000],
  [588, -809],
  [951, -309],
  [951, 309],
  [588, 809],
  [0, 1000],
  [-588, 809],
  [-951, 309],
  [-951, -309],
  [-588, -809],
];

/** Even–odd test of (px, py) against a closed polygon given as flat [x0, y0, x1, y1, …]. */
function insidePolygon(px: number, py: number, poly: readonly number[]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 2; i < poly.length; j = i, i += 2) {
    const xi = poly[i];
    const yi = poly[i + 1];
    const xj = poly[j];
    const yj = poly[j + 1];
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * The shape's membership test in doubled coordinates relative to the centre (dx = 2x + 1 − 2cx for the
 * pixel centre x + ½), so every test stays in exact arithmetic.
 */
function membership(shape: MiniShape, radius: number): (dx: number, dy: number) => boolean {
  const r2 = 2 * radius;
  const outer = r2 * r2;
  switch (shape) {
    case "circle":
      return (dx, dy) => dx * dx + dy * dy <= outer;
    case "square":
      return (dx, dy) => Math.abs(dx) < r2 && Math.abs(dy) < r2;
    case "triangle":
      return (dx, dy) => Math.abs(dy) < r2 && 2 * Math.abs(dx) <= dy + r2;
    case "ring":
      return (dx, dy) => {
        const d = dx * dx + dy * dy;
        return d <= outer && 100 * d >= 36 * outer;
      };
    case "plus sign":
      return (dx, dy) =>
        Math.abs(dx) < r2 && Math.abs(dy) < r2 && (3 * Math.abs(dx) < r2 || 3 * Math.abs(dy) < r2);
    case "star": {
      const poly: number[] = [];
      for (let k = 0; k < STAR_UNIT.length; k++) {
        const scale = k % 2 === 0 ? 1000 : 400;
        poly.push(
          Math.round((r2 * STAR_UNIT[k][0] * scale) / 1e6),
          Math.round((r2 * STAR_UNIT[k][1] * scale) / 1e6),
        );
      }
      return (dx, dy) => insidePolygon(dx, dy, poly);
    }
  }
}

/**
 * Paints `spec` into `image` (a darker 1-pixel outline, shading from top to bottom) and returns the tight
 * box of the painted pixels, or null when nothing landed inside the image.
 */
export function drawShape(image: RgbImage, spec: ShapeSpec): BoxXyxy | null {
  const { width, height, data } = image;
  const { cx, cy, radius, color } = spec;
  const inside = membership(spec.shape, radius);
  const x0 = Math.max(0, cx - radius - 1);
  const x1 = Math.min(width - 1, cx + radius + 1);
  const y0 = Math.max(0, cy - radius - 1);
  const y1 = Math.min(height - 1, cy + radius + 1);
  let minX = width;
  let minY = height;
  let maxX = -1;
  let maxY = -1;
  for (let y = y0; y <= y1; y++) {
    const dy = 2 * y + 1 - 2 * cy;
    // Lighter at the top, darker at the bottom: a factor from 1.0 down to 0.75 (as n / 256).
    const shade = 256 - Math.round((32 * (dy + 2 * radius)) / (2 * radius));
    for (let x = x0; x <= x1; x++) {
      const dx = 2 * x + 1 - 2 * cx;
      if (!inside(dx, dy)) continue;
      const edge = !inside(dx - 2, dy) || !inside(dx + 2, dy) || !inside(dx, dy - 2) || !inside(dx, dy + 2);
      const factor = edge ? 140 : shade;
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) data[o + c] = (color[c] * factor) >> 8;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  return maxX < 0 ? null : [minX, minY, maxX + 1, maxY + 1];
}
