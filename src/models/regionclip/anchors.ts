/**
 * RPN anchors as detectron2's `DefaultAnchorGenerator` makes them (`modeling/anchor_generator.py`): per FPN
 * level, cell anchors (one size, three aspect ratios) shifted over the feature map with offset 0, in
 * location-major (y, then x), then anchor order → x1y1x2y2 float32.
 */

/** One FPN level's anchors: cell anchors [A, 4] centred at 0, and the grid they are shifted over. */
export interface AnchorLevel {
  readonly stride: number;
  /** [A, 4] x1y1x2y2, float32 as `torch.tensor(list of Python floats)` stores them. */
  readonly cellAnchors: Float32Array;
  /** Feature-map rows and columns. */
  readonly height: number;
  readonly width: number;
}

/** `ANCHOR_GENERATOR.SIZES` (one per level p2..p6), `STRIDES` and `ASPECT_RATIOS` (h / w) of the R50-FPN RPN. */
export const ANCHOR_SIZES = [32, 64, 128, 256, 512] as const;
export const ANCHOR_STRIDES = [4, 8, 16, 32, 64] as const;
export const ANCHOR_ASPECT_RATIOS = [0.5, 1, 2] as const;

/**
 * detectron2 `generate_cell_anchors` for one size: `w = sqrt(size² / r)`, `h = r·w` in double precision,
 * `(−w/2, −h/2, w/2, h/2)` rounded to float32, one row per aspect ratio.
 * @example cellAnchors(32) // [-22.627417, -11.313708, 22.627417, 11.313708, -16, -16, 16, 16, ...]
 */
export function cellAnchors(
  size: number,
  aspectRatios: readonly number[] = ANCHOR_ASPECT_RATIOS,
): Float32Array {
  const out = new Float32Array(4 * aspectRatios.length);
  const area = size ** 2;
  for (const [i, ratio] of aspectRatios.entries()) {
    const w = Math.sqrt(area / ratio);
    const h = ratio * w;
    out.set([-w / 2, -h / 2, w / 2, h / 2], 4 * i);
  }
  return out;
}

/** The anchor levels of the R50-FPN RPN for feature maps of the given sizes (p2..p6 order). */
export function rpnAnchorLevels(featureSizes: readonly { height: number; width: number }[]): AnchorLevel[] {
  if (featureSizes.length !== ANCHOR_SIZES.length)
    throw new Error(`rpnAnchorLevels: ${featureSizes.length} feature maps for ${ANCHOR_SIZES.length} levels`);
  return featureSizes.map(({ height, width }, i) => ({
    stride: ANCHOR_STRIDES[i],
    cellAnchors: cellAnchors(ANCHOR_SIZES[i]),
    height,
    width,
  }));
}

/** Number of anchors of a level (H · W · A). */
export function anchorCount(level: AnchorLevel): number {
  return level.height * level.width * (level.cellAnchors.length / 4);
}

/**
 * Writes anchor `index` of a level (in (y, x, anchor) order) into `out` at `offset`: the cell anchor plus the
 * shift (x·stride, y·stride) as a float32 addition, like `shifts.view(-1, 1, 4) + base_anchors.view(1, -1, 4)`.
 */
export function writeAnchor(level: AnchorLevel, index: number, out: Float32Array, offset: number): void {
  const perCell = level.cellAnchors.length / 4;
  const a = index % perCell;
  const location = (index - a) / perCell;
  const x = location % level.width;
  const shiftX = x * level.stride;
  const shiftY = ((location - x) / level.width) * level.stride;
  const cell = level.cellAnchors;
  out[offset] = shiftX + cell[4 * a];
  out[offset + 1] = shiftY + cell[4 * a + 1];
  out[offset + 2] = shiftX + cell[4 * a + 2];
  out[offset + 3] = shiftY + cell[4 * a + 3];
}

/** All anchors of a level: [H·W·A, 4] in (y, x, anchor) order (`DefaultAnchorGenerator.grid_anchors`). */
export function gridAnchors(level: AnchorLevel): Float32Array {
  const n = anchorCount(level);
  const out = new Float32Array(4 * n);
  for (let i = 0; i < n; i++) writeAnchor(level, i, out, 4 * i);
  return out;
}
