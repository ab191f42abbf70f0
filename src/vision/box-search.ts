/**
 * Box search: Heatmap → BoxXyxy (inclusive pixel indices in heatmap space), a port of adapting-CLIP
 * `utils/box_search.py` (`BruteForceBoxSearch` with `FractionAreaObjective`): a brute-force search on the
 * heatmap bilinearly downsampled by `downsample`, refined ±`downsample` pixels at full resolution.
 */

import { invalidOption } from "../errors.js";
import type { BoxXyxy } from "../grit/box.js";
import type { Heatmap } from "./heatmap.js";

const f32 = Math.fround;

export interface BoxSearchOptions {
  /** Weight of the area penalty: objective = (heat inside / total heat) − alpha · (area / image area). */
  readonly alpha: number;
  /** Coarse-stage downsampling factor. @default 8 */
  readonly downsample?: number;
}

/**
 * `F.interpolate(m[None, None], (h, w), mode="bilinear")` (align_corners False, no antialias) of a float32
 * map, in double precision rounded once to float32. For an integer factor every output is the mean of a
 * 2×2 block, which PyTorch returns correctly rounded too.
 */
export function downsampleBilinear(
  src: Float32Array,
  width: number,
  height: number,
  outW: number,
  outH: number,
): Float32Array {
  const out = new Float32Array(outW * outH);
  const scaleY = height / outH;
  const scaleX = width / outW;
  for (let i = 0; i < outH; i++) {
    const sy = Math.max((i + 0.5) * scaleY - 0.5, 0);
    const y0 = Math.min(Math.floor(sy), height - 1);
    const y1 = Math.min(y0 + 1, height - 1);
    const ly = sy - y0;
    for (let j = 0; j < outW; j++) {
      const sx = Math.max((j + 0.5) * scaleX - 0.5, 0);
      const x0 = Math.min(Math.floor(sx), width - 1);
      const x1 = Math.min(x0 + 1, width - 1);
      const lx = sx - x0;
      const top = src[y0 * width + x0] * (1 - lx) + src[y0 * width + x1] * lx;
      const bottom = src[y1 * width + x0] * (1 - lx) + src[y1 * width + x1] * lx;
      out[i * outW + j] = top * (1 - ly) + bottom * ly;
    }
  }
  return out;
}

/**
 * `FractionAreaObjective` precomputation: the zero-padded 2-D prefix sums `m.cumsum(1).cumsum(0)` (PyTorch
 * accumulates each pass in double and stores float32) and the float32 `f32(total + 1e-8)` divisor.
 */
interface Objective {
  readonly sums: Float32Array;
  readonly stride: number;
  readonly divisor: number;
  readonly alpha: number;
  readonly area: number;
}

function createObjective(m: Float32Array, width: number, height: number, alpha: number): Objective {
  const stride = width + 1;
  const sums = new Float32Array(stride * (height + 1));
  let total = 0;
  for (let y = 0; y < height; y++) {
    let run = 0;
    for (let x = 0; x < width; x++) {
      run += m[y * width + x];
      sums[(y + 1) * stride + x + 1] = run;
      total += m[y * width + x];
    }
  }
  for (let x = 1; x <= width; x++) {
    let run = 0;
    for (let y = 1; y <= height; y++) {
      run += sums[y * stride + x];
      sums[y * stride + x] = run;
    }
  }
  // `matrix.sum().item()` is a float32 reduction (its last bit depends on PyTorch's thread count); the exact
  // sum rounded to float32 gives the same boxes on every reference case.
  return { sums, stride, divisor: f32(f32(total) + 1e-8), alpha: f32(alpha), area: f32(width * height) };
}

/**
 * `search(intervals)`: every box with x1 ∈ [x1a, x1b], y1 ∈ [y1a, y1b], x2 ∈ ..., y2 ∈ ... (cartesian product
 * order, x1 outermost), kept when x2 > x1 and y2 > y1; the first maximum of the float32 objective wins.
 */
function searchBox(o: Objective, iv: readonly number[]): [number, number, number, number] | undefined {
  const { sums: s, stride, divisor, alpha, area } = o;
  let best = Number.NEGATIVE_INFINITY;
  let found: [number, number, number, number] | undefined;
  for (let x1 = iv[0]; x1 <= iv[1]; x1++) {
    for (let y1 = iv[2]; y1 <= iv[3]; y1++) {
      const top = y1 * stride;
      const topLeft = s[top + x1];
      for (let x2 = Math.max(iv[4], x1 + 1); x2 <= iv[5]; x2++) {
        const topRight = s[top + x2 + 1];
        const w = x2 - x1 + 1;
        for (let y2 = Math.max(iv[6], y1 + 1); y2 <= iv[7]; y2++) {
          const bottom = (y2 + 1) * stride;
          const boxSum = f32(f32(f32(s[bottom + x2 + 1] - s[bottom + x1]) - topRight) + topLeft);
          const fraction = f32(boxSum / divisor);
          const areaFraction = f32(f32(w * (y2 - y1 + 1)) / area);
          const value = f32(fraction - f32(alpha * areaFraction));
          // Strictly greater keeps the first maximum, like torch.argmax, which also returns the first NaN.
          if (value > best || Number.isNaN(value)) {
            best = value > best ? value : Number.POSITIVE_INFINITY;
            found = [x1, y1, x2, y2];
          }
        }
      }
    }
  }
  return found;
}

/** Both stages of the search, for tests and diagnostics: the downsampled map, the coarse box and the box. */
export interface BoxSearchStages {
  readonly downsampled: Float32Array;
  /** Inclusive box in the downsampled grid. */
  readonly coarseBox: BoxXyxy;
  readonly box: BoxXyxy;
}

/**
 * `boxSearch` with its intermediate results.
 * @throws GritlocError E_INVALID_OPTION as `boxSearch`.
 */
export function boxSearchStages(heatmap: Heatmap, options: BoxSearchOptions): BoxSearchStages {
  const alpha = options?.alpha;
  const downsample = options?.downsample ?? 8;
  if (typeof alpha !== "number" || !Number.isFinite(alpha))
    throw invalidOption("alpha", "a finite number", alpha);
  if (!Number.isInteger(downsample) || downsample < 1) {
    throw invalidOption("downsample", "a positive integer", downsample);
  }
  const { data, width, height } = heatmap ?? {};
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw invalidOption("heatmap", "a Heatmap with positive integer width and height", heatmap);
  }
  if (!(data instanceof Float32Array) || data.length !== width * height) {
    throw invalidOption("heatmap.data", `a Float32Array of width * height = ${width * height}`, data);
  }
  const coarseW = Math.floor(width / downsample);
  const coarseH = Math.floor(height / downsample);
  if (coarseW < 2 || coarseH < 2) {
    throw invalidOption(
      "heatmap",
      `a map of at least ${2 * downsample}×${2 * downsample} pixels`,
      `${width}×${height}`,
    );
  }
  const downsampled = downsampleBilinear(data, width, height, coarseW, coarseH);
  const full = [0, coarseW - 1, 0, coarseH - 1, 0, coarseW - 1, 0, coarseH - 1];
  // Both stages always have candidates (x2 > x1 is reachable), so `searchBox` finds a box.
  const coarseBox = searchBox(createObjective(downsampled, coarseW, coarseH, alpha), full)!;
  const [x1, y1, x2, y2] = coarseBox.map((v) => v * downsample);
  const d = downsample;
  const box = searchBox(createObjective(data, width, height, alpha), [
    Math.max(0, x1 - d),
    Math.min(x1 + d, width - 1),
    Math.max(0, y1 - d),
    Math.min(y1 + d, height - 1),
    Math.max(0, x2 - d),
    Math.min(x2 + d, width - 1),
    Math.max(0, y2 - d),
    Math.min(y2 + d, height - 1),
  ])!;
  return { downsampled, coarseBox, box };
}

/**
 * Finds the box maximising (fraction of the heat inside) − alpha · (fraction of the area) exactly as
 * adapting-CLIP's `BruteForceBoxSearch(downsample)(heatmap, FractionAreaObjective(alpha))`: coarse search on
 * the map bilinearly downsampled to (h / downsample, w / downsample), then a search of every coordinate
 * within ±downsample of the scaled coarse box at full resolution. Coordinates are inclusive pixel indices.
 * @throws GritlocError E_INVALID_OPTION for a bad alpha/downsample or a map too small for two coarse cells.
 * @example
 * const box224 = boxSearch(heatmap, { alpha: 0.75 }); // e.g. [0, 112, 158, 223]
 */
export function boxSearch(heatmap: Heatmap, options: BoxSearchOptions): BoxXyxy {
  return boxSearchStages(heatmap, options).box;
}
