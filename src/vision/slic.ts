/**
 * SLIC superpixels: RgbImage → LabelMap, a faithful port of scikit-image 0.19.3
 * `skimage/segmentation/slic_superpixels.py` `slic` for an RGB image given as float32 `img / 255` (the call
 * adapting-CLIP's `models/slic_vit.py` makes): Lab conversion, optional Gaussian smoothing, grid seeding,
 * 10 k-means iterations and connectivity enforcement, all in float32 in upstream order.
 */
import { invalidOption } from "../errors.js";
import { gaussianSmooth } from "./gaussian-smooth.js";
import type { RgbImage } from "./image.js";
import { validatePositiveInteger, validateRgbImage } from "./image.js";
import { type GridAxis, regularGrid } from "./regular-grid.js";
import { rgbToLab } from "./rgb-to-lab.js";
import { enforceLabelConnectivity } from "./slic-connectivity.js";
import { runSlicKmeans } from "./slic-kmeans.js";

/** One SLIC run: labels row-major, starting at 1, contiguous up to `count`. */
export interface LabelMap {
  readonly labels: Int32Array;
  readonly count: number;
  readonly width: number;
  readonly height: number;
}

/** Options of one `slic` call (scikit-image's parameter names). */
export interface SlicOptions {
  /** Approximate number of superpixels (`n_segments`); the seed grid decides the exact number. */
  readonly nSegments: number;
  /** Colour versus space weight; higher gives squarer superpixels. @default 10 (adapting-CLIP uses 50) */
  readonly compactness?: number;
  /** Standard deviation (pixels) of the Gaussian pre-smoothing; 0 for none. @default 0 */
  readonly sigma?: number;
  /**
   * Merge small disconnected fragments (`enforce_connectivity`). When false, labels are the raw cluster ids
   * 1..count (count = number of seeds), some possibly unused, as upstream returns them. @default true
   */
  readonly enforceConnectivity?: boolean;
}

/** One SLIC run per `nSegments` entry on the same image (adapting-CLIP: 100, 150, ..., 600). */
export interface SlicPyramidOptions {
  /** One SLIC run per entry, in this order (adapting-CLIP: 100, 150, ..., 600). */
  readonly nSegments: readonly number[];
  readonly compactness: number;
  readonly sigma: number;
  /** See `SlicOptions.enforceConnectivity`. @default true */
  readonly enforceConnectivity?: boolean;
}

/** scikit-image defaults that adapting-CLIP leaves unchanged. */
const MAX_ITER = 10;
const MIN_SIZE_FACTOR = 0.5;
const MAX_SIZE_FACTOR = 3;
/** Scratch buffers are kept between calls for images up to this many pixels (a 1024² image). */
const KEEP_SCRATCH_PIXELS = 1 << 20;

interface Workspace {
  lab: Float32Array;
  planes: Float32Array;
  nearest: Int32Array;
  guess: Int32Array;
  queue: Int32Array;
}

function createWorkspace(): Workspace {
  return {
    lab: new Float32Array(0),
    planes: new Float32Array(0),
    nearest: new Int32Array(0),
    guess: new Int32Array(0),
    queue: new Int32Array(0),
  };
}

/** Synchronous calls never interleave, so one module-level workspace serves every call in this thread. */
const shared = createWorkspace();

function workspaceFor(pixels: number): Workspace {
  const ws = pixels <= KEEP_SCRATCH_PIXELS ? shared : createWorkspace();
  if (ws.lab.length < pixels * 3) ws.lab = new Float32Array(pixels * 3);
  if (ws.planes.length < pixels * 3) ws.planes = new Float32Array(pixels * 3);
  if (ws.nearest.length < pixels) ws.nearest = new Int32Array(pixels);
  return ws;
}

function validateCompactness(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw invalidOption(name, "a finite number > 0", value);
  }
  return value;
}

function validateSigma(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw invalidOption(name, "a finite number ≥ 0", value);
  }
  return value;
}

/**
 * The Lab image scaled by 1/compactness, smoothed first when sigma > 0 (upstream order), as three channel
 * planes [L, a, b] (the k-means kernels load four pixels of one channel at a time), made once per pyramid.
 */
function prepareFeatures(img: RgbImage, compactness: number, sigma: number, ws: Workspace): Float32Array {
  const pixels = img.width * img.height;
  const lab = ws.lab.subarray(0, pixels * 3);
  rgbToLab(img, lab);
  gaussianSmooth(lab, img.width, img.height, 3, sigma);
  const ratio = Math.fround(1.0 / compactness);
  const planes = ws.planes.subarray(0, pixels * 3);
  for (let i = 0, j = 0; i < pixels; i++, j += 3) {
    planes[i] = Math.fround(lab[j] * ratio);
    planes[pixels + i] = Math.fround(lab[j + 1] * ratio);
    planes[2 * pixels + i] = Math.fround(lab[j + 2] * ratio);
  }
  return planes;
}

/** `range(start, size, step)`: the seed coordinates along one axis. */
function seedPositions(start: number, step: number, size: number): number[] {
  const positions: number[] = [];
  for (let v = start; v < size; v += step) positions.push(v);
  return positions;
}

/** Each pixel's nearest seed on the grid: where the first k-means iteration starts looking. */
function nearestSeeds(
  rows: GridAxis,
  cols: GridAxis,
  nRows: number,
  nCols: number,
  width: number,
  height: number,
  ws: Workspace,
): Int32Array {
  if (ws.guess.length < width * height) ws.guess = new Int32Array(width * height);
  const guess = ws.guess;
  const colOf = new Int32Array(width);
  for (let x = 0; x < width; x++)
    colOf[x] = Math.min(Math.max(Math.round((x - cols.start) / cols.step), 0), nCols - 1);
  for (let y = 0; y < height; y++) {
    const rowBase = Math.min(Math.max(Math.round((y - rows.start) / rows.step), 0), nRows - 1) * nCols;
    for (let x = 0; x < width; x++) guess[y * width + x] = rowBase + colOf[x];
  }
  return guess;
}

/** Seeds, steps and size limits for one n, then the k-means and connectivity stages. */
function segment(
  features: Float32Array,
  width: number,
  height: number,
  nSegments: number,
  connect: boolean,
  ws: Workspace,
): LabelMap {
  const shape = [1, height, width];
  const grid = regularGrid(shape, nSegments);
  const rowSeeds = seedPositions(grid[1].start, grid[1].step, height);
  const colSeeds = seedPositions(grid[2].start, grid[2].step, width);
  const nCentroids = rowSeeds.length * colSeeds.length;
  const seedsY = new Int32Array(nCentroids);
  const seedsX = new Int32Array(nCentroids);
  for (let i = 0; i < rowSeeds.length; i++) {
    for (let j = 0; j < colSeeds.length; j++) {
      seedsY[i * colSeeds.length + j] = rowSeeds[i];
      seedsX[i * colSeeds.length + j] = colSeeds[j];
    }
  }
  // `step = max(steps)`, where an axis without a step counts as 1.0.
  let step = 1;
  for (const axis of grid) if (axis.hasStep && axis.step > step) step = axis.step;
  // `_slic_cython` recomputes the grid for the actual number of centroids to size its search windows.
  const windowGrid = regularGrid(shape, nCentroids);
  const nearest = ws.nearest.subarray(0, width * height);
  runSlicKmeans(
    {
      planes: features,
      width,
      height,
      seedsY,
      seedsX,
      initialGuess: nearestSeeds(grid[1], grid[2], rowSeeds.length, colSeeds.length, width, height, ws),
      step,
      windowStepY: windowGrid[1].hasStep ? windowGrid[1].step : 1,
      windowStepX: windowGrid[2].hasStep ? windowGrid[2].step : 1,
      maxIter: MAX_ITER,
    },
    nearest,
  );
  if (!connect) {
    const labels = new Int32Array(width * height);
    for (let i = 0; i < labels.length; i++) labels[i] = nearest[i] + 1;
    return { labels, count: nCentroids, width, height };
  }
  const segmentSize = (width * height) / nCentroids;
  const minSize = Math.trunc(MIN_SIZE_FACTOR * segmentSize);
  const maxSize = Math.trunc(MAX_SIZE_FACTOR * segmentSize);
  if (ws.queue.length < maxSize) ws.queue = new Int32Array(maxSize);
  const labels = new Int32Array(width * height);
  const count = enforceLabelConnectivity(nearest, width, height, minSize, maxSize, labels, ws.queue);
  return { labels, count, width, height };
}

/**
 * Segments an RGB image into superpixels exactly as scikit-image 0.19.3
 * `slic(img.astype(np.float32) / 255, n_segments, compactness, sigma=sigma)` does (Lab, 10 iterations,
 * connectivity enforced, labels from 1).
 * @throws GritlocError E_INVALID_OPTION for a malformed image or option.
 * @example
 * const map = slic(resized, { nSegments: 100, compactness: 50 });
 * map.labels[y * map.width + x]; // 1..map.count
 */
export function slic(img: RgbImage, options: SlicOptions): LabelMap {
  return slicPyramid(img, {
    nSegments: [options?.nSegments],
    compactness: options?.compactness ?? 10,
    sigma: options?.sigma ?? 0,
    enforceConnectivity: options?.enforceConnectivity,
  })[0];
}

/**
 * Runs `slic` once per `nSegments` entry on the same image, converting to Lab once and reusing every scratch
 * buffer between runs. Returns one LabelMap per entry, in order.
 * @throws GritlocError E_INVALID_OPTION for a malformed image or option.
 * @example
 * const maps = slicPyramid(resized, { nSegments: [100, 150, 200], compactness: 50, sigma: 0 });
 */
export function slicPyramid(img: RgbImage, options: SlicPyramidOptions): LabelMap[] {
  validateRgbImage(img);
  if (typeof options !== "object" || options === null) throw invalidOption("options", "an object", options);
  if (!Array.isArray(options.nSegments) || options.nSegments.length === 0) {
    throw invalidOption("nSegments", "a non-empty array of positive integers", options.nSegments);
  }
  for (let i = 0; i < options.nSegments.length; i++)
    validatePositiveInteger(`nSegments[${i}]`, options.nSegments[i]);
  const compactness = validateCompactness(options.compactness, "compactness");
  const sigma = validateSigma(options.sigma, "sigma");
  const connect = options.enforceConnectivity ?? true;
  if (typeof connect !== "boolean") throw invalidOption("enforceConnectivity", "a boolean", connect);
  const ws = workspaceFor(img.width * img.height);
  const features = prepareFeatures(img, compactness, sigma, ws);
  const maps: LabelMap[] = [];
  for (const n of options.nSegments) maps.push(segment(features, img.width, img.height, n, connect, ws));
  return maps;
}
