/**
 * SLIC's clustering loop: a port of scikit-image 0.19.3 `skimage/segmentation/_slic.pyx` `_slic_cython`
 * for a 2-D image (depth 1), no mask, no SLIC-zero, unit spacing. Float32Array (Lab / compactness, HWC) +
 * seeds → Int32Array of 0-based cluster ids per pixel. The pixel loops run as WebAssembly, whose f32
 * arithmetic is IEEE single precision like the Cython float code, in the same operation order.
 *
 * Upstream visits clusters in order and moves a pixel on a strictly smaller distance, so each pixel ends with
 * the smallest float32 distance over the clusters whose window holds it, ties to the lowest cluster id. This
 * port computes that same result with less work: every pixel is first scored against last iteration's
 * cluster ("seed"), and a cluster then skips 8×8 tiles (and pixels) whose spatial term alone already
 * exceeds the distances there, since the colour term is never negative.
 */
import {
  add,
  and,
  at,
  buildModule,
  type Code,
  call,
  defineFunction,
  eq,
  F32,
  f32,
  fadd,
  fdiv,
  feq,
  ffloor,
  fgt,
  fle,
  flt,
  fmax,
  fmin,
  fmul,
  forRange,
  fsub,
  ge,
  get,
  I32,
  i32,
  instantiate,
  loadF32,
  loadI32,
  lt,
  max,
  min,
  mul,
  ne,
  or,
  seq,
  set,
  shl,
  shr,
  storeF32,
  storeI32,
  sub,
  toF32,
  truncToI32,
  type WasmMemory,
  when,
  whileLoop,
} from "./wasm-builder.js";

const f32r = Math.fround;
const TILE_SHIFT = 3;
const TILE = 1 << TILE_SHIFT;

/** `minSquaredOffset(c, lo, hi)`: float32 (c - v)² minimised over the integers v in [lo, hi). */
const minSquaredOffset = defineFunction(
  "minSquaredOffset",
  { c: F32, lo: I32, hi: I32 },
  { v: I32, d: F32, best: F32 },
  [F32],
  (v) =>
    seq(
      set(v.v, min(max(truncToI32(ffloor(get(v.c))), get(v.lo)), sub(get(v.hi), i32(1)))),
      set(v.d, fsub(get(v.c), toF32(get(v.v)))),
      set(v.best, fmul(get(v.d), get(v.d))),
      when(
        lt(add(get(v.v), i32(1)), get(v.hi)),
        seq(
          set(v.d, fsub(get(v.c), toF32(add(get(v.v), i32(1))))),
          set(v.best, fmin(get(v.best), fmul(get(v.d), get(v.d)))),
        ),
      ),
      get(v.best),
    ),
);
const MIN_SQUARED_OFFSET = 0;

/** Upstream's distance, float32: ((dy² + dx²) · w) + ((t0² + t1²) + t2²) with t = pixel − centroid colour. */
function distance(dy2: Code, dx2: Code, w: Code, pixel: Code, segment: Code, t: readonly number[]): Code {
  const colour = (c: number) => set(t[c], fsub(loadF32(pixel, c * 4), loadF32(segment, 8 + c * 4)));
  const sq = (c: number) => fmul(get(t[c]), get(t[c]));
  return seq(colour(0), colour(1), colour(2), fadd(fmul(fadd(dy2, dx2), w), fadd(fadd(sq(0), sq(1)), sq(2))));
}

/**
 * Code for a raster-order loop over a `width` × `height` image: `body` runs for each (y, x) with `idx` the
 * pixel's index (y · width + x), which the loop advances after the body. Generated inline, so it costs nothing.
 */
function forEachPixel(
  locals: { readonly y: number; readonly x: number; readonly idx: number },
  width: Code,
  height: Code,
  body: Code,
): Code {
  const { y, x, idx } = locals;
  return seq(
    set(idx, i32(0)),
    forRange(y, i32(0), height, forRange(x, i32(0), width, seq(body, set(idx, add(get(idx), i32(1)))))),
  );
}

/**
 * `seed(...)`: every pixel's distance to its guessed cluster (∞ outside that cluster's window), the guess as
 * its label, and the per-tile maxima of those distances.
 */
const seed = defineFunction(
  "seed",
  {
    width: I32,
    height: I32,
    w: F32,
    tilesX: I32,
    image: I32,
    dist: I32,
    nearest: I32,
    guess: I32,
    segments: I32,
    windows: I32,
    tileMax: I32,
  },
  {
    y: I32,
    x: I32,
    idx: I32,
    k: I32,
    win: I32,
    seg: I32,
    tile: I32,
    d: F32,
    dy: F32,
    dx: F32,
    t0: F32,
    t1: F32,
    t2: F32,
  },
  [],
  (v) =>
    forEachPixel(
      v,
      get(v.width),
      get(v.height),
      seq(
        set(v.k, loadI32(at(get(v.guess), get(v.idx)))),
        set(v.win, add(get(v.windows), shl(get(v.k), i32(4)))),
        set(v.d, f32(Number.POSITIVE_INFINITY)),
        when(
          and(
            and(ge(get(v.y), loadI32(get(v.win))), lt(get(v.y), loadI32(get(v.win), 4))),
            and(ge(get(v.x), loadI32(get(v.win), 8)), lt(get(v.x), loadI32(get(v.win), 12))),
          ),
          seq(
            set(v.seg, add(get(v.segments), mul(get(v.k), i32(20)))),
            set(v.dy, fsub(loadF32(get(v.seg)), toF32(get(v.y)))),
            set(v.dx, fsub(loadF32(get(v.seg), 4), toF32(get(v.x)))),
            set(
              v.d,
              distance(
                fmul(get(v.dy), get(v.dy)),
                fmul(get(v.dx), get(v.dx)),
                get(v.w),
                add(get(v.image), mul(get(v.idx), i32(12))),
                get(v.seg),
                [v.t0, v.t1, v.t2],
              ),
            ),
            storeI32(at(get(v.nearest), get(v.idx)), get(v.k)),
          ),
        ),
        storeF32(at(get(v.dist), get(v.idx)), get(v.d)),
        set(
          v.tile,
          at(
            get(v.tileMax),
            add(mul(shr(get(v.y), i32(TILE_SHIFT)), get(v.tilesX)), shr(get(v.x), i32(TILE_SHIFT))),
          ),
        ),
        when(fgt(get(v.d), loadF32(get(v.tile))), storeF32(get(v.tile), get(v.d))),
      ),
    ),
);

/**
 * `assign(...)`: visits every cluster's window and moves each pixel whose distance to the cluster is smaller
 * (or equal with a lower cluster id) than its current one; tiles whose smallest spatial term exceeds their
 * recorded maximum distance are skipped, and fully visited tiles get their maximum tightened.
 */
const assign = defineFunction(
  "assign",
  {
    n: I32,
    width: I32,
    height: I32,
    w: F32,
    tilesX: I32,
    image: I32,
    dist: I32,
    nearest: I32,
    segments: I32,
    windows: I32,
    tileMax: I32,
    dx2: I32,
    tileDx2: I32,
  },
  {
    k: I32,
    win: I32,
    seg: I32,
    yMin: I32,
    yMax: I32,
    xMin: I32,
    xMax: I32,
    x: I32,
    y: I32,
    ty: I32,
    tx: I32,
    y0: I32,
    y1: I32,
    x0: I32,
    x1: I32,
    tile: I32,
    idx: I32,
    cy: F32,
    cx: F32,
    tileDy2: F32,
    bound: F32,
    dy: F32,
    dy2: F32,
    spatial: F32,
    current: F32,
    d: F32,
    t0: F32,
    t1: F32,
    t2: F32,
  },
  [],
  (v) => {
    const pixel = seq(
      set(v.idx, add(mul(get(v.y), get(v.width)), get(v.x))),
      set(v.current, loadF32(at(get(v.dist), get(v.idx)))),
      set(v.spatial, fmul(fadd(get(v.dy2), loadF32(at(get(v.dx2), get(v.x)))), get(v.w))),
      // nearest === k here only if the seed pass already scored this pixel against k (same value, no move).
      when(
        and(fle(get(v.spatial), get(v.current)), ne(loadI32(at(get(v.nearest), get(v.idx))), get(v.k))),
        seq(
          set(
            v.d,
            distance(
              get(v.dy2),
              loadF32(at(get(v.dx2), get(v.x))),
              get(v.w),
              add(get(v.image), mul(get(v.idx), i32(12))),
              get(v.seg),
              [v.t0, v.t1, v.t2],
            ),
          ),
          when(
            or(
              flt(get(v.d), get(v.current)),
              and(feq(get(v.d), get(v.current)), lt(get(v.k), loadI32(at(get(v.nearest), get(v.idx))))),
            ),
            seq(
              storeI32(at(get(v.nearest), get(v.idx)), get(v.k)),
              storeF32(at(get(v.dist), get(v.idx)), get(v.d)),
              set(v.current, get(v.d)),
            ),
          ),
        ),
      ),
      set(v.bound, fmax(get(v.bound), get(v.current))),
    );
    const fullTile = and(
      and(
        eq(get(v.y0), shl(get(v.ty), i32(TILE_SHIFT))),
        eq(get(v.y1), min(add(get(v.y0), i32(TILE)), get(v.height))),
      ),
      and(
        eq(get(v.x0), shl(get(v.tx), i32(TILE_SHIFT))),
        eq(get(v.x1), min(add(get(v.x0), i32(TILE)), get(v.width))),
      ),
    );
    const tile = seq(
      set(v.x0, max(shl(get(v.tx), i32(TILE_SHIFT)), get(v.xMin))),
      set(v.x1, min(shl(add(get(v.tx), i32(1)), i32(TILE_SHIFT)), get(v.xMax))),
      set(v.tile, at(get(v.tileMax), add(mul(get(v.ty), get(v.tilesX)), get(v.tx)))),
      when(
        fle(
          fmul(fadd(get(v.tileDy2), loadF32(at(get(v.tileDx2), get(v.tx)))), get(v.w)),
          loadF32(get(v.tile)),
        ),
        seq(
          set(v.bound, f32(0)),
          forRange(
            v.y,
            get(v.y0),
            get(v.y1),
            seq(
              set(v.dy, fsub(get(v.cy), toF32(get(v.y)))),
              set(v.dy2, fmul(get(v.dy), get(v.dy))),
              forRange(v.x, get(v.x0), get(v.x1), pixel),
            ),
          ),
          when(fullTile, storeF32(get(v.tile), get(v.bound))),
        ),
      ),
      set(v.tx, add(get(v.tx), i32(1))),
    );
    const tileRow = seq(
      set(v.y0, max(shl(get(v.ty), i32(TILE_SHIFT)), get(v.yMin))),
      set(v.y1, min(shl(add(get(v.ty), i32(1)), i32(TILE_SHIFT)), get(v.yMax))),
      set(v.tileDy2, call(MIN_SQUARED_OFFSET, get(v.cy), get(v.y0), get(v.y1))),
      set(v.tx, shr(get(v.xMin), i32(TILE_SHIFT))),
      whileLoop(lt(shl(get(v.tx), i32(TILE_SHIFT)), get(v.xMax)), tile),
      set(v.ty, add(get(v.ty), i32(1))),
    );
    return forRange(
      v.k,
      i32(0),
      get(v.n),
      seq(
        set(v.win, add(get(v.windows), shl(get(v.k), i32(4)))),
        set(v.yMin, loadI32(get(v.win))),
        set(v.yMax, loadI32(get(v.win), 4)),
        set(v.xMin, loadI32(get(v.win), 8)),
        set(v.xMax, loadI32(get(v.win), 12)),
        when(
          and(lt(get(v.yMin), get(v.yMax)), lt(get(v.xMin), get(v.xMax))),
          seq(
            set(v.seg, add(get(v.segments), mul(get(v.k), i32(20)))),
            set(v.cy, loadF32(get(v.seg))),
            set(v.cx, loadF32(get(v.seg), 4)),
            forRange(
              v.x,
              get(v.xMin),
              get(v.xMax),
              seq(
                set(v.dy, fsub(get(v.cx), toF32(get(v.x)))),
                storeF32(at(get(v.dx2), get(v.x)), fmul(get(v.dy), get(v.dy))),
              ),
            ),
            // The smallest (cx - x)² of each tile column's part of the window, shared by all tile rows.
            set(v.tx, shr(get(v.xMin), i32(TILE_SHIFT))),
            whileLoop(
              lt(shl(get(v.tx), i32(TILE_SHIFT)), get(v.xMax)),
              seq(
                set(v.x0, max(shl(get(v.tx), i32(TILE_SHIFT)), get(v.xMin))),
                set(v.x1, min(shl(add(get(v.tx), i32(1)), i32(TILE_SHIFT)), get(v.xMax))),
                storeF32(
                  at(get(v.tileDx2), get(v.tx)),
                  call(MIN_SQUARED_OFFSET, get(v.cx), get(v.x0), get(v.x1)),
                ),
                set(v.tx, add(get(v.tx), i32(1))),
              ),
            ),
            set(v.ty, shr(get(v.yMin), i32(TILE_SHIFT))),
            whileLoop(lt(shl(get(v.ty), i32(TILE_SHIFT)), get(v.yMax)), tileRow),
          ),
        ),
      ),
    );
  },
);

/**
 * `update(...)`: centroids as float32 running sums in raster order, then float32 division by the pixel count
 * (0 / 0 = NaN for an empty cluster, as upstream). Sums and counts must be zero on entry.
 */
const update = defineFunction(
  "update",
  { n: I32, width: I32, height: I32, image: I32, nearest: I32, segments: I32, counts: I32 },
  { y: I32, x: I32, idx: I32, k: I32, seg: I32, px: I32, count: I32, c: F32, j: I32 },
  [],
  (v) => {
    const accumulate = (offset: number, value: Code) =>
      storeF32(get(v.seg), fadd(loadF32(get(v.seg), offset), value), offset);
    return seq(
      forEachPixel(
        v,
        get(v.width),
        get(v.height),
        seq(
          set(v.k, loadI32(at(get(v.nearest), get(v.idx)))),
          set(v.count, at(get(v.counts), get(v.k))),
          storeI32(get(v.count), add(loadI32(get(v.count)), i32(1))),
          set(v.seg, add(get(v.segments), mul(get(v.k), i32(20)))),
          set(v.px, add(get(v.image), mul(get(v.idx), i32(12)))),
          accumulate(0, toF32(get(v.y))),
          accumulate(4, toF32(get(v.x))),
          accumulate(8, loadF32(get(v.px))),
          accumulate(12, loadF32(get(v.px), 4)),
          accumulate(16, loadF32(get(v.px), 8)),
        ),
      ),
      forRange(
        v.k,
        i32(0),
        get(v.n),
        seq(
          set(v.c, toF32(loadI32(at(get(v.counts), get(v.k))))),
          set(v.seg, add(get(v.segments), mul(get(v.k), i32(20)))),
          forRange(
            v.j,
            i32(0),
            i32(5),
            seq(
              set(v.idx, at(get(v.seg), get(v.j))),
              storeF32(get(v.idx), fdiv(loadF32(get(v.idx)), get(v.c))),
            ),
          ),
        ),
      ),
    );
  },
);

interface Kernels {
  readonly memory: WasmMemory;
  readonly seed: (...args: number[]) => void;
  readonly assign: (...args: number[]) => void;
  readonly update: (...args: number[]) => void;
}

let cached: Kernels | undefined;
/** Wasm memory never shrinks, so problems above this size get a throwaway instance instead of the cached one. */
const KEEP_MEMORY_BYTES = 64 << 20;

function createKernels(): Kernels {
  const e = instantiate(buildModule([minSquaredOffset, seed, assign, update], 1)) as unknown as Kernels;
  return { memory: e.memory, seed: e.seed, assign: e.assign, update: e.update };
}

/** The kernels (compiled once per thread, a few kilobytes) with at least `bytes` of memory. */
function kernelsFor(bytes: number): Kernels {
  const k = bytes > KEEP_MEMORY_BYTES ? createKernels() : (cached ??= createKernels());
  const missing = bytes - k.memory.buffer.byteLength;
  if (missing > 0) k.memory.grow(Math.ceil(missing / 65536));
  return k;
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

/** Byte offsets of the arrays in the kernels' memory for one problem size. */
function layout(width: number, height: number, n: number) {
  const pixels = width * height;
  const tiles = ((width + TILE - 1) >> TILE_SHIFT) * ((height + TILE - 1) >> TILE_SHIFT);
  const sizes = {
    image: pixels * 12,
    dist: pixels * 4,
    nearest: pixels * 4,
    guess: pixels * 4,
    segments: n * 20,
    counts: n * 4,
    windows: n * 16,
    tileMax: tiles * 4,
    dx2: width * 4,
    tileDx2: width * 4,
  };
  let offset = 0;
  const at: Record<string, number> = {};
  for (const [name, size] of Object.entries(sizes)) {
    at[name] = offset;
    offset += size;
  }
  return { at: at as Record<keyof typeof sizes, number>, bytes: offset, tiles };
}

/** Search windows as C computes them: float32 arithmetic, then truncation toward zero. */
function computeWindows(
  p: KmeansProblem,
  segments: Float32Array,
  counts: Int32Array,
  windows: Int32Array,
): void {
  const reachY = 2 * p.windowStepY;
  const reachX = 2 * p.windowStepX;
  for (let k = 0; k < counts.length; k++) {
    const o = k * 4;
    if (counts[k] === 0) {
      // An empty cluster has NaN centroids upstream, whose windows cast to empty ranges.
      windows.fill(0, o, o + 4);
      continue;
    }
    const cy = segments[k * 5];
    const cx = segments[k * 5 + 1];
    windows[o] = Math.trunc(Math.max(f32r(cy - reachY), 0));
    windows[o + 1] = Math.trunc(Math.min(f32r(f32r(cy + reachY) + 1), p.height));
    windows[o + 2] = Math.trunc(Math.max(f32r(cx - reachX), 0));
    windows[o + 3] = Math.trunc(Math.min(f32r(f32r(cx + reachX) + 1), p.width));
  }
}

/**
 * Runs the k-means iterations and writes each pixel's 0-based cluster id into `nearest`.
 * Upstream resets every distance at each iteration, so its "no change" exit never fires: all `maxIter`
 * assignments run, and the final centroid update (which cannot change the labels) is skipped.
 */
export function runSlicKmeans(p: KmeansProblem, nearest: Int32Array): void {
  const { width, height } = p;
  const n = p.seedsY.length;
  const pixels = width * height;
  const { at: off, bytes, tiles } = layout(width, height, n);
  const k = kernelsFor(bytes);
  const buffer = k.memory.buffer;
  new Float32Array(buffer, off.image, pixels * 3).set(p.image.subarray(0, pixels * 3));
  new Int32Array(buffer, off.guess, pixels).set(p.initialGuess.subarray(0, pixels));
  const segments = new Float32Array(buffer, off.segments, n * 5);
  const counts = new Int32Array(buffer, off.counts, n);
  const windows = new Int32Array(buffer, off.windows, n * 4);
  const tileMax = new Float32Array(buffer, off.tileMax, tiles);
  for (let i = 0; i < n; i++) {
    segments.set([p.seedsY[i], p.seedsX[i], 0, 0, 0], i * 5);
    counts[i] = 1;
  }
  const step = f32r(p.step);
  const w = f32r(1.0 / f32r(step * step));
  const tilesX = (width + TILE - 1) >> TILE_SHIFT;
  let guess = off.guess;
  for (let i = 0; i < p.maxIter; i++) {
    computeWindows(p, segments, counts, windows);
    tileMax.fill(0);
    k.seed(
      width,
      height,
      w,
      tilesX,
      off.image,
      off.dist,
      off.nearest,
      guess,
      off.segments,
      off.windows,
      off.tileMax,
    );
    k.assign(
      n,
      width,
      height,
      w,
      tilesX,
      off.image,
      off.dist,
      off.nearest,
      off.segments,
      off.windows,
      off.tileMax,
      off.dx2,
      off.tileDx2,
    );
    guess = off.nearest;
    if (i + 1 < p.maxIter) {
      segments.fill(0);
      counts.fill(0);
      k.update(n, width, height, off.image, off.nearest, off.segments, off.counts);
    }
  }
  nearest.set(new Int32Array(buffer, off.nearest, pixels));
}
