/**
 * SLIC seeding grid: a port of scikit-image 0.19.3 `skimage/util/_regular_grid.py` `regular_grid` for the
 * (depth, height, width) shapes that `slic` uses. Shape + point count → one start/step per axis.
 */

/** One axis of the grid: points at start, start + step, ... (`slice(start, None, step)`). */
export interface GridAxis {
  readonly start: number;
  readonly step: number;
  /** False when upstream returns `slice(None)` (every index); its `s.step` is then None (treated as 1). */
  readonly hasStep: boolean;
}

/** Python's `round` on a float: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** `x ** (1 / k)`, with the square root exact as glibc's pow gives it. */
function root(x: number, k: number): number {
  return k === 2 ? Math.sqrt(x) : k === 1 ? x : x ** (1 / k);
}

/**
 * The axes of `regular_grid(shape, nPoints)`: about `nPoints` points spaced as evenly as the shape allows.
 * @example regularGrid([1, 224, 224], 100) // [{start 0, step 1}, {start 11, step 22}, {start 11, step 22}]
 */
export function regularGrid(shape: readonly number[], nPoints: number): GridAxis[] {
  const ndim = shape.length;
  let spaceSize = 1;
  for (const s of shape) spaceSize *= s;
  if (spaceSize <= nPoints) return shape.map(() => ({ start: 0, step: 1, hasStep: false }));
  // Stable argsort, like NumPy's for these tiny arrays; equal dims get equal steps anyway.
  const order = shape.map((_, i) => i).sort((a, b) => shape[a] - shape[b] || a - b);
  const sorted = order.map((i) => shape[i]);
  const steps = new Array<number>(ndim).fill(root(spaceSize / nPoints, ndim));
  if (sorted.some((d, i) => d < steps[i])) {
    for (let dim = 0; dim < ndim; dim++) {
      steps[dim] = sorted[dim];
      let rest = 1;
      for (let j = dim + 1; j < ndim; j++) rest *= sorted[j];
      const remaining = ndim - dim - 1;
      for (let j = dim + 1; j < ndim; j++) steps[j] = root(rest / nPoints, remaining);
      if (sorted.every((d, i) => d >= steps[i])) break;
    }
  }
  const axes = new Array<GridAxis>(ndim);
  for (let i = 0; i < ndim; i++) {
    axes[order[i]] = { start: Math.floor(steps[i] / 2), step: roundHalfEven(steps[i]), hasStep: true };
  }
  return axes;
}
