/**
 * SLIC superpixels (port of scikit-image 0.19.3 `skimage/segmentation/slic_superpixels.py`).
 * RgbImage → LabelMap.
 */

/** One SLIC run: labels row-major, starting at 1, contiguous up to `count`. */
export interface LabelMap {
  readonly labels: Int32Array;
  readonly count: number;
  readonly width: number;
  readonly height: number;
}
