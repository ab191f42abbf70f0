/**
 * SLIC's clustering loop: a port of scikit-image 0.19.3 `skimage/segmentation/_slic.pyx` `_slic_cython`
 * for a 2-D image (depth 1), no mask, no SLIC-zero, unit spacing. Float32Array (Lab / compactness, as
 * channel planes) + seeds → Int32Array of 0-based cluster ids per pixel. The pixel loops run as WebAssembly,
 * whose f32 arithmetic is IEEE single precision like the Cython float code, in the same operation order.
 *
 * Upstream visits clusters in order and moves a pixel on a strictly smaller distance, so each pixel ends with
 * the smallest float32 distance over the clusters whose window holds it, ties to the lowest cluster id. This
 * port computes that same result with less work: every pixel is first scored against last iteration's
 * cluster ("seed"), and a cluster then skips 8×8 tiles whose spatial term alone already exceeds the
 * distances there, since the colour term is never negative.
 *
 * The assign loop runs four pixels per SIMD step (the image is kept as three channel planes, so one load
 * fetches a channel of four pixels). Each lane computes its distance with the same f32 operations in the same
 * order as upstream's scalar loop (f32x4 lanes are IEEE single precision, never fused) and takes the cluster
 * only where upstream's rule moves the pixel, so the labels are bit-identical. Lanes need no per-pixel skip:
 * a pixel whose spatial term exceeds its distance cannot move, and one the seed pass already scored against
 * this cluster gets exactly that distance again, a tie that keeps it.
 */
import {
  add,
  and,
  andV128,
  at,
  buildModule,
  type Code,
  call,
  defineFunction,
  eq,
  F32,
  f32,
  fadd,
  faddF32x4,
  fdiv,
  feqF32x4,
  ffloor,
  fgt,
  fle,
  fltF32x4,
  fmax,
  fmaxF32x4,
  fmin,
  fmul,
  fmulF32x4,
  forRange,
  fsub,
  fsubF32x4,
  ge,
  get,
  I32,
  i32,
  i32x4,
  instantiate,
  laneF32,
  loadF32,
  loadI32,
  loadV128,
  lt,
  ltI32x4,
  max,
  min,
  mul,
  orV128,
  select128,
  seq,
  set,
  shl,
  shr,
  splatF32,
  splatI32,
  storeF32,
  storeI32,
  storeV128,
  sub,
  toF32,
  truncToI32,
  V128,
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

/** The float32 operations a distance is built from: scalar, or the same ones on four lanes at once. */
interface FloatOps {
  readonly add: (a: Code, b: Code) => Code;
  readonly sub: (a: Code, b: Code) => Code;
  readonly mul: (a: Code, b: Code) => Code;
}
const SCALAR: FloatOps = { add: fadd, sub: fsub, mul: fmul };
const LANES: FloatOps = { add: faddF32x4, sub: fsubF32x4, mul: fmulF32x4 };

/**
 * Upstream's distance, float32: ((dy² + dx²) · w) + ((t0² + t1²) + t2²) with t = pixel − centroid colour.
 * One definition for the scalar and the four-lane code, so both evaluate it in the same order.
 */
function distance(
  o: FloatOps,
  dy2: Code,
  dx2: Code,
  w: Code,
  pixel: (channel: number) => Code,
  centroid: (channel: number) => Code,
  t: readonly number[],
): Code {
  const colour = (c: number) => set(t[c], o.sub(pixel(c), centroid(c)));
  const sq = (c: number) => o.mul(get(t[c]), get(t[c]));
  return seq(
    colour(0),
    colour(1),
    colour(2),
    o.add(o.mul(o.add(dy2, dx2), w), o.add(o.add(sq(0), sq(1)), sq(2))),
  );
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
    plane0: I32,
    plane1: I32,
    plane2: I32,
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
                SCALAR,
                fmul(get(v.dy), get(v.dy)),
                fmul(get(v.dx), get(v.dx)),
                get(v.w),
                (c) => loadF32(at(get([v.plane0, v.plane1, v.plane2][c]), get(v.idx))),
                (c) => loadF32(get(v.seg), 8 + c * 4),
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
 * recorded maximum distance are skipped, and fully visited tiles get their maximum tightened. A tile row
 * (at most 8 pixels) is one or two four-lane steps; lanes at or past the tile's right edge are masked off.
 */
const assign = defineFunction(
  "assign",
  {
    n: I32,
    width: I32,
    height: I32,
    w: F32,
    tilesX: I32,
    plane0: I32,
    plane1: I32,
    plane2: I32,
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
    pos: I32,
    cy: F32,
    cx: F32,
    tileDy2: F32,
    dy: F32,
    wLanes: V128,
    kLanes: V128,
    c0: V128,
    c1: V128,
    c2: V128,
    dy2: V128,
    dxLeft: V128,
    dxRight: V128,
    maskLeft: V128,
    maskRight: V128,
    bound: V128,
    current: V128,
    near: V128,
    d: V128,
    move: V128,
    t0: V128,
    t1: V128,
    t2: V128,
  },
  [],
  (v) => {
    const planes = [v.plane0, v.plane1, v.plane2];
    const centroid = [v.c0, v.c1, v.c2];
    // Four pixels from byte offset `pos` + `offset` of the per-pixel arrays.
    const lanes = (base: number) => add(get(base), get(v.pos));
    const step = (offset: number, dx2: number, mask: number) =>
      seq(
        set(v.current, loadV128(lanes(v.dist), offset)),
        set(v.near, loadV128(lanes(v.nearest), offset)),
        set(
          v.d,
          distance(
            LANES,
            get(v.dy2),
            get(dx2),
            get(v.wLanes),
            (c) => loadV128(lanes(planes[c]), offset),
            (c) => get(centroid[c]),
            [v.t0, v.t1, v.t2],
          ),
        ),
        // The scalar rule per lane: move on a smaller distance, or an equal one with a lower cluster id.
        set(
          v.move,
          andV128(
            orV128(
              fltF32x4(get(v.d), get(v.current)),
              andV128(feqF32x4(get(v.d), get(v.current)), ltI32x4(get(v.kLanes), get(v.near))),
            ),
            get(mask),
          ),
        ),
        storeV128(lanes(v.nearest), select128(get(v.kLanes), get(v.near), get(v.move)), offset),
        set(v.current, select128(get(v.d), get(v.current), get(v.move))),
        storeV128(lanes(v.dist), get(v.current), offset),
        // Masked lanes count as 0, which never raises the maximum of non-negative distances.
        set(v.bound, fmaxF32x4(get(v.bound), andV128(get(v.current), get(mask)))),
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
          set(v.maskLeft, ltI32x4(i32x4([0, 1, 2, 3]), splatI32(sub(get(v.x1), get(v.x0))))),
          set(v.maskRight, ltI32x4(i32x4([4, 5, 6, 7]), splatI32(sub(get(v.x1), get(v.x0))))),
          set(v.dxLeft, loadV128(at(get(v.dx2), get(v.x0)))),
          set(v.dxRight, loadV128(at(get(v.dx2), get(v.x0)), 16)),
          set(v.bound, splatF32(f32(0))),
          forRange(
            v.y,
            get(v.y0),
            get(v.y1),
            seq(
              set(v.dy, fsub(get(v.cy), toF32(get(v.y)))),
              set(v.dy2, splatF32(fmul(get(v.dy), get(v.dy)))),
              set(v.pos, shl(add(mul(get(v.y), get(v.width)), get(v.x0)), i32(2))),
              step(0, v.dxLeft, v.maskLeft),
              when(lt(add(get(v.x0), i32(4)), get(v.x1)), step(16, v.dxRight, v.maskRight)),
            ),
          ),
          when(
            fullTile,
            storeF32(
              get(v.tile),
              fmax(
                fmax(laneF32(get(v.bound), 0), laneF32(get(v.bound), 1)),
                fmax(laneF32(get(v.bound), 2), laneF32(get(v.bound), 3)),
              ),
            ),
          ),
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
    return seq(
      set(v.wLanes, splatF32(get(v.w))),
      forRange(
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
              set(v.kLanes, splatI32(get(v.k))),
              set(v.c0, splatF32(loadF32(get(v.seg), 8))),
              set(v.c1, splatF32(loadF32(get(v.seg), 12))),
              set(v.c2, splatF32(loadF32(get(v.seg), 16))),
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
  {
    n: I32,
    width: I32,
    height: I32,
    plane0: I32,
    plane1: I32,
    plane2: I32,
    nearest: I32,
    segments: I32,
    counts: I32,
  },
  { y: I32, x: I32, idx: I32, k: I32, seg: I32, count: I32, c: F32, j: I32 },
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
          accumulate(0, toF32(get(v.y))),
          accumulate(4, toF32(get(v.x))),
          accumulate(8, loadF32(at(get(v.plane0), get(v.idx)))),
          accumulate(12, loadF32(at(get(v.plane1), get(v.idx)))),
          accumulate(16, loadF32(at(get(v.plane2), get(v.idx)))),
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
  /** [3, H, W] float32 channel planes, already multiplied by 1/compactness. */
  readonly planes: Float32Array;
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

/** Spare bytes after every array, so four-lane loads and stores that start inside it stay in memory. */
const PAD_BYTES = 32;

/** Byte offsets of the arrays in the kernels' memory for one problem size (the image as three planes). */
function layout(width: number, height: number, n: number) {
  const pixels = width * height;
  const tiles = ((width + TILE - 1) >> TILE_SHIFT) * ((height + TILE - 1) >> TILE_SHIFT);
  const sizes = {
    plane0: pixels * 4,
    plane1: pixels * 4,
    plane2: pixels * 4,
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
    offset += size + PAD_BYTES;
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
  for (const [c, plane] of [off.plane0, off.plane1, off.plane2].entries())
    new Float32Array(buffer, plane, pixels).set(p.planes.subarray(c * pixels, (c + 1) * pixels));
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
      off.plane0,
      off.plane1,
      off.plane2,
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
      off.plane0,
      off.plane1,
      off.plane2,
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
      k.update(n, width, height, off.plane0, off.plane1, off.plane2, off.nearest, off.segments, off.counts);
    }
  }
  nearest.set(new Int32Array(buffer, off.nearest, pixels));
}
