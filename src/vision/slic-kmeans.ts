/**
 * SLIC's clustering loop: a port of scikit-image 0.19.3 `skimage/segmentation/_slic.pyx` `_slic_cython`
 * for a 2-D image (depth 1), no mask, no SLIC-zero, unit spacing, float32 arithmetic in upstream order.
 * Float32Array (Lab / compactness, HWC) + seeds → Int32Array of 0-based cluster ids per pixel.
 *
 * Upstream visits clusters in order and moves a pixel on a strictly smaller distance, so each pixel ends
 * with the smallest float32 distance over the clusters whose window holds it, ties to the lowest cluster.
 * This port computes that same result with less work: every pixel first gets its distance to last
 * iteration's cluster, and a cluster then skips 8×8 tiles (and pixels) whose spatial term alone already
 * exceeds the distances there, since the colour term is never negative.
 */

const f32 = Math.fround;
const TILE_SHIFT = 3;
const TILE = 1 << TILE_SHIFT;

/** Reusable buffers, grown on demand (kept across the runs of a pyramid). */
export interface KmeansScratch {
  distance: Float32Array;
  /** Per cluster [y, x, c0, c1, c2]. */
  segments: Float32Array;
  counts: Int32Array;
  /** Per cluster search window [yMin, yMax, xMin, xMax). */
  windows: Int32Array;
  /** Per 8×8 tile: an upper bound of the distances inside it. */
  tileMax: Float32Array;
  /** Per column of the current window: float32 (cx - x)². */
  dx2: Float32Array;
}

export function createKmeansScratch(): KmeansScratch {
  return {
    distance: new Float32Array(0),
    segments: new Float32Array(0),
    counts: new Int32Array(0),
    windows: new Int32Array(0),
    tileMax: new Float32Array(0),
    dx2: new Float32Array(0),
  };
}

export interface KmeansProblem {
  /** HWC float32, already multiplied by 1/compactness. */
  readonly image: Float32Array;
  readonly width: number;
  readonly height: number;
  /** Seed rows and columns (one per cluster, in upstream order). */
  readonly seedsY: Int32Array;
  readonly seedsX: Int32Array;
  /** For each pixel, a cluster whose window is likely to hold it (the first iteration's starting guess). */
  readonly initialGuess: Int32Array;
  /** `step` of `slic` (max grid step), a C float in `_slic_cython`. */
  readonly step: number;
  /** The steps of `regular_grid` for the number of clusters; windows reach twice as far. */
  readonly windowStepY: number;
  readonly windowStepX: number;
  readonly maxIter: number;
}

function ensureScratch(s: KmeansScratch, width: number, height: number, clusters: number): void {
  const pixels = width * height;
  const tiles = ((width + TILE - 1) >> TILE_SHIFT) * ((height + TILE - 1) >> TILE_SHIFT);
  if (s.distance.length < pixels) s.distance = new Float32Array(pixels);
  if (s.segments.length < clusters * 5) s.segments = new Float32Array(clusters * 5);
  if (s.counts.length < clusters) s.counts = new Int32Array(clusters);
  if (s.windows.length < clusters * 4) s.windows = new Int32Array(clusters * 4);
  if (s.tileMax.length < tiles) s.tileMax = new Float32Array(tiles);
  if (s.dx2.length < width) s.dx2 = new Float32Array(width);
}

/** Search windows as C computes them: float32 arithmetic, then truncation toward zero. */
function computeWindows(p: KmeansProblem, s: KmeansScratch, n: number): void {
  const { segments, counts, windows } = s;
  const reachY = 2 * p.windowStepY;
  const reachX = 2 * p.windowStepX;
  for (let k = 0; k < n; k++) {
    const o = k * 4;
    if (counts[k] === 0) {
      // An empty cluster has NaN centroids upstream, whose windows cast to empty ranges.
      windows[o] = windows[o + 1] = windows[o + 2] = windows[o + 3] = 0;
      continue;
    }
    const cy = segments[k * 5];
    const cx = segments[k * 5 + 1];
    windows[o] = Math.trunc(Math.max(f32(cy - reachY), 0));
    windows[o + 1] = Math.trunc(Math.min(f32(f32(cy + reachY) + 1), p.height));
    windows[o + 2] = Math.trunc(Math.max(f32(cx - reachX), 0));
    windows[o + 3] = Math.trunc(Math.min(f32(f32(cx + reachX) + 1), p.width));
  }
}

/**
 * Starts every pixel at its distance to its guessed cluster (∞ when outside that cluster's window), with
 * upstream's formula ((dy² + dx²) · w) + ((t0² + t1²) + t2²) in float32, and records the per-tile maxima.
 */
function seedDistances(
  p: KmeansProblem,
  s: KmeansScratch,
  guess: Int32Array,
  w: number,
  nearest: Int32Array,
): void {
  const { image, width, height } = p;
  const { distance, segments, windows, tileMax } = s;
  const tilesX = (width + TILE - 1) >> TILE_SHIFT;
  tileMax.fill(0, 0, tilesX * ((height + TILE - 1) >> TILE_SHIFT));
  let idx = 0;
  for (let y = 0; y < height; y++) {
    const tileRow = (y >> TILE_SHIFT) * tilesX;
    for (let x = 0; x < width; x++, idx++) {
      const k = guess[idx];
      const wo = k * 4;
      let d = Number.POSITIVE_INFINITY;
      if (y >= windows[wo] && y < windows[wo + 1] && x >= windows[wo + 2] && x < windows[wo + 3]) {
        const o = k * 5;
        const px = idx * 3;
        const dy = f32(segments[o] - y);
        const dx = f32(segments[o + 1] - x);
        const spatial = f32(f32(f32(dy * dy) + f32(dx * dx)) * w);
        const t0 = f32(image[px] - segments[o + 2]);
        const t1 = f32(image[px + 1] - segments[o + 3]);
        const t2 = f32(image[px + 2] - segments[o + 4]);
        d = f32(spatial + f32(f32(f32(t0 * t0) + f32(t1 * t1)) + f32(t2 * t2)));
        nearest[idx] = k;
      }
      distance[idx] = d;
      const t = tileRow + (x >> TILE_SHIFT);
      if (d > tileMax[t]) tileMax[t] = d;
    }
  }
}

/** float32 (c - v)² minimised over the integers v in [lo, hi). */
function minSquaredOffset(c: number, lo: number, hi: number): number {
  let v = Math.floor(c);
  if (v < lo) v = lo;
  if (v > hi - 1) v = hi - 1;
  let d = f32(c - v);
  let best = f32(d * d);
  if (v + 1 < hi) {
    d = f32(c - (v + 1));
    const next = f32(d * d);
    if (next < best) best = next;
  }
  return best;
}

/** Assigns every pixel to its nearest cluster (smallest distance, ties to the lowest cluster id). */
function assign(p: KmeansProblem, s: KmeansScratch, n: number, w: number, nearest: Int32Array): void {
  const { image, width, height } = p;
  const { distance, segments, windows, tileMax, dx2 } = s;
  const tilesX = (width + TILE - 1) >> TILE_SHIFT;
  for (let k = 0; k < n; k++) {
    const yMin = windows[k * 4];
    const yMax = windows[k * 4 + 1];
    const xMin = windows[k * 4 + 2];
    const xMax = windows[k * 4 + 3];
    if (yMin >= yMax || xMin >= xMax) continue;
    const o = k * 5;
    const cy = segments[o];
    const cx = segments[o + 1];
    const c0 = segments[o + 2];
    const c1 = segments[o + 3];
    const c2 = segments[o + 4];
    for (let x = xMin; x < xMax; x++) {
      const dx = f32(cx - x);
      dx2[x] = f32(dx * dx);
    }
    for (let ty = yMin >> TILE_SHIFT; ty << TILE_SHIFT < yMax; ty++) {
      const y0 = Math.max(ty << TILE_SHIFT, yMin);
      const y1 = Math.min((ty + 1) << TILE_SHIFT, yMax);
      const tileDy2 = minSquaredOffset(cy, y0, y1);
      for (let tx = xMin >> TILE_SHIFT; tx << TILE_SHIFT < xMax; tx++) {
        const x0 = Math.max(tx << TILE_SHIFT, xMin);
        const x1 = Math.min((tx + 1) << TILE_SHIFT, xMax);
        const tile = ty * tilesX + tx;
        // The smallest spatial term in this part of the tile bounds every distance this cluster gives there.
        if (f32(f32(tileDy2 + minSquaredOffset(cx, x0, x1)) * w) > tileMax[tile]) continue;
        let bound = 0;
        for (let y = y0; y < y1; y++) {
          const dy = f32(cy - y);
          const dy2 = f32(dy * dy);
          let idx = y * width + x0;
          let px = idx * 3;
          for (let x = x0; x < x1; x++, idx++, px += 3) {
            const spatial = f32(f32(dy2 + dx2[x]) * w);
            let current = distance[idx];
            if (spatial <= current) {
              const t0 = f32(image[px] - c0);
              const t1 = f32(image[px + 1] - c1);
              const t2 = f32(image[px + 2] - c2);
              const d = f32(spatial + f32(f32(f32(t0 * t0) + f32(t1 * t1)) + f32(t2 * t2)));
              if (d < current || (d === current && k < nearest[idx])) {
                nearest[idx] = k;
                distance[idx] = d;
                current = d;
              }
            }
            if (current > bound) bound = current;
          }
        }
        // Having seen the whole tile, tighten its bound for the clusters still to come.
        if (
          y0 === ty << TILE_SHIFT &&
          y1 === Math.min(y0 + TILE, height) &&
          x0 === tx << TILE_SHIFT &&
          x1 === Math.min(x0 + TILE, width)
        ) {
          tileMax[tile] = bound;
        }
      }
    }
  }
}

/** Recomputes centroids as float32 running sums in raster order, then float32 division by the count. */
function update(p: KmeansProblem, s: KmeansScratch, n: number, nearest: Int32Array): void {
  const { image, width, height } = p;
  const { segments, counts } = s;
  segments.fill(0, 0, n * 5);
  counts.fill(0, 0, n);
  let idx = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++, idx++) {
      const k = nearest[idx];
      const o = k * 5;
      const px = idx * 3;
      counts[k]++;
      // Float32Array stores round each sum to float32, as the Cython float accumulators do.
      segments[o] += y;
      segments[o + 1] += x;
      segments[o + 2] += image[px];
      segments[o + 3] += image[px + 1];
      segments[o + 4] += image[px + 2];
    }
  }
  for (let k = 0; k < n; k++) {
    const c = counts[k];
    const o = k * 5;
    for (let j = 0; j < 5; j++) segments[o + j] /= c;
  }
}

/**
 * Runs the k-means iterations and writes each pixel's 0-based cluster id into `nearest`.
 * Upstream resets every distance at each iteration, so its "no change" exit never fires: all `maxIter`
 * assignments run, and the final centroid update (which cannot change the labels) is skipped.
 */
export function runSlicKmeans(p: KmeansProblem, scratch: KmeansScratch, nearest: Int32Array): void {
  const n = p.seedsY.length;
  ensureScratch(scratch, p.width, p.height, n);
  const { segments, counts } = scratch;
  for (let k = 0; k < n; k++) {
    const o = k * 5;
    segments[o] = p.seedsY[k];
    segments[o + 1] = p.seedsX[k];
    segments[o + 2] = 0;
    segments[o + 3] = 0;
    segments[o + 4] = 0;
    counts[k] = 1;
  }
  const step = f32(p.step);
  const w = f32(1.0 / f32(step * step));
  let guess = p.initialGuess;
  for (let i = 0; i < p.maxIter; i++) {
    computeWindows(p, scratch, n);
    seedDistances(p, scratch, guess, w, nearest);
    assign(p, scratch, n, w, nearest);
    guess = nearest;
    if (i + 1 < p.maxIter) update(p, scratch, n, nearest);
  }
}
