/**
 * Mini-set backgrounds: a size, a source kind and a seeded stream → a textured RgbImage. "studio" is a lit
 * tabletop (gradient, fine diagonal stripes), "field" a rough outdoor ground (two octaves of value noise);
 * the two kinds stand in for GRIT's two data sources (sameSrc / newSrc).
 */
import type { RgbImage } from "../vision/image.js";
import type { SeededRandom } from "./seeded-random.js";

/** The two image sources of the mini set. */
export type BackgroundKind = "studio" | "field";

type Rgb = readonly [number, number, number];

const STUDIO_BASES: readonly Rgb[] = [
  [206, 196, 178],
  [184, 198, 212],
  [214, 206, 190],
  [190, 204, 190],
  [200, 186, 196],
];

const FIELD_PALETTES: readonly (readonly [Rgb, Rgb])[] = [
  [
    [58, 84, 40],
    [150, 150, 96],
  ],
  [
    [92, 82, 70],
    [176, 168, 150],
  ],
  [
    [46, 70, 60],
    [132, 156, 110],
  ],
];

function clampByte(v: number): number {
  return Math.max(0, Math.min(255, v));
}

/** A (gw+1)×(gh+1) lattice of random bytes, sampled bilinearly at (x, y) with `cell` pixels per step. */
class ValueNoise {
  private readonly values: Uint8Array;
  private readonly stride: number;

  constructor(
    width: number,
    height: number,
    private readonly cell: number,
    rng: SeededRandom,
  ) {
    this.stride = Math.floor(width / cell) + 2;
    const rows = Math.floor(height / cell) + 2;
    this.values = new Uint8Array(this.stride * rows);
    for (let i = 0; i < this.values.length; i++) this.values[i] = rng.int(0, 255);
  }

  at(x: number, y: number): number {
    const gx = Math.floor(x / this.cell);
    const gy = Math.floor(y / this.cell);
    const fx = (x - gx * this.cell) / this.cell;
    const fy = (y - gy * this.cell) / this.cell;
    const i = gy * this.stride + gx;
    const v = this.values;
    const top = v[i] + (v[i + 1] - v[i]) * fx;
    const bottom = v[i + this.stride] + (v[i + this.stride + 1] - v[i + this.stride]) * fx;
    return top + (bottom - top) * fy;
  }
}

/**
 * Draws a background of `kind`. Only +, −, ×, ÷ and rounding are used (exactly rounded in IEEE 754 on
 * every machine), so the pixels are the same everywhere for the same stream.
 */
export function drawBackground(
  width: number,
  height: number,
  kind: BackgroundKind,
  rng: SeededRandom,
): RgbImage {
  const data = new Uint8Array(width * height * 3);
  if (kind === "studio") {
    const base = rng.pick(STUDIO_BASES);
    const period = rng.int(3, 5);
    for (let y = 0; y < height; y++) {
      const light = 22 - Math.round((44 * y) / height);
      for (let x = 0; x < width; x++) {
        const stripe = ((x + y) >> period) & 1 ? 7 : -7;
        const noise = rng.int(-4, 4);
        const o = (y * width + x) * 3;
        for (let c = 0; c < 3; c++) data[o + c] = clampByte(base[c] + light + stripe + noise);
      }
    }
    return { width, height, data };
  }
  const [dark, bright] = rng.pick(FIELD_PALETTES);
  const coarse = new ValueNoise(width, height, 32, rng);
  const fine = new ValueNoise(width, height, 8, rng);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = (3 * coarse.at(x, y) + fine.at(x, y)) / 1020;
      const noise = rng.int(-10, 10);
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++)
        data[o + c] = clampByte(Math.round(dark[c] + (bright[c] - dark[c]) * t) + noise);
    }
  }
  return { width, height, data };
}
