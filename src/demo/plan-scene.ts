/**
 * The mini set's layout, before any pixel: a scene count and a seed → scenes (source, size, objects with
 * their shapes/colours/places, the queries asked, which scene gets a distorted twin). Pure and seeded, and
 * scene i depends only on (seed, i), so a shorter set is a prefix of a longer one.
 */

import { MINI_DISTORTIONS, type MiniDistortion } from "./distort-image.js";
import type { BackgroundKind } from "./draw-background.js";
import { MINI_SHAPES, type MiniShape, type ShapeSpec } from "./draw-shape.js";
import { SeededRandom } from "./seeded-random.js";

/** Scene sizes (width, height), like the mix of landscape and portrait photos in GRIT. */
const SIZES: readonly (readonly [number, number])[] = [
  [320, 240],
  [288, 288],
  [352, 224],
  [240, 320],
  [320, 256],
];

const COLORS: readonly (readonly [number, number, number])[] = [
  [222, 44, 40],
  [40, 168, 64],
  [44, 84, 222],
  [244, 202, 34],
  [152, 60, 192],
  [246, 132, 30],
  [250, 250, 250],
  [34, 34, 40],
];

/** One planned scene. `queries[0]` is its main category; an absent query has no instance in the scene. */
export interface MiniScene {
  readonly index: number;
  readonly source: BackgroundKind;
  readonly width: number;
  readonly height: number;
  readonly objects: readonly ShapeSpec[];
  /** The categories asked about, main first; each becomes one sample. */
  readonly queries: readonly MiniShape[];
  /** The distortion of the main sample's twin, if the scene has one. */
  readonly twin: MiniDistortion | null;
}

const MARGIN = 3;
const GAP = 6;

/** Places `count` non-overlapping objects of `shape`; gives up on an instance after 60 tries. */
function place(
  rng: SeededRandom,
  width: number,
  height: number,
  shape: MiniShape,
  count: number,
  objects: ShapeSpec[],
): void {
  const minDim = Math.min(width, height);
  const rMin = Math.round(minDim * 0.09);
  const rMax = Math.round(minDim * 0.17);
  for (let n = 0; n < count; n++) {
    for (let attempt = 0; attempt < 60; attempt++) {
      const radius = rng.int(rMin, rMax);
      const cx = rng.int(radius + MARGIN, width - radius - MARGIN);
      const cy = rng.int(radius + MARGIN, height - radius - MARGIN);
      const free = objects.every(
        (o) =>
          Math.abs(o.cx - cx) >= o.radius + radius + GAP || Math.abs(o.cy - cy) >= o.radius + radius + GAP,
      );
      if (!free) continue;
      objects.push({ shape, cx, cy, radius, color: rng.pick(COLORS) });
      break;
    }
  }
}

/**
 * Plans scene `index`: even scenes are "studio", odd ones "field"; the main category cycles through the
 * shapes (so every 12 scenes show each shape once per source); every 4th scene also asks for an absent
 * category; scenes 0, 3, 7, 10, 14, … (i mod 7 ∈ {0, 3}) get a distorted twin, distortions in turn.
 */
export function planScene(seed: number, index: number): MiniScene {
  const rng = SeededRandom.derive(seed, 3 * index);
  const source: BackgroundKind = index % 2 === 0 ? "studio" : "field";
  const [width, height] = rng.pick(SIZES);
  const mainIndex = (index >> 1) % MINI_SHAPES.length;
  const main = MINI_SHAPES[mainIndex];
  const objects: ShapeSpec[] = [];
  place(rng, width, height, main, rng.int(1, 3), objects);
  const queries: MiniShape[] = [main];
  if (rng.int(0, 2) === 0) {
    const other = MINI_SHAPES[(mainIndex + rng.int(1, MINI_SHAPES.length - 1)) % MINI_SHAPES.length];
    const before = objects.length;
    place(rng, width, height, other, 1, objects);
    if (objects.length > before) queries.push(other);
  }
  if (index % 4 === 3) {
    const present = new Set(objects.map((o) => o.shape));
    const absent = MINI_SHAPES.filter((s) => !present.has(s));
    queries.push(rng.pick(absent));
  }
  const twinNumber = Math.floor(index / 7) * 2 + (index % 7 === 3 ? 1 : 0);
  const twin =
    index % 7 === 0 || index % 7 === 3 ? MINI_DISTORTIONS[twinNumber % MINI_DISTORTIONS.length] : null;
  return { index, source, width, height, objects, queries, twin };
}
