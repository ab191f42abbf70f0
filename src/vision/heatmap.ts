/**
 * Heatmaps from label maps and per-mask logits (adapting-CLIP `models/slic_vit.py`, `get_heatmap`).
 */

export interface Heatmap {
  /** Row-major values, length width * height. */
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
}
