/**
 * Heatmaps from label maps and per-mask logits (adapting-CLIP `models/slic_vit.py`, `get_heatmap`, with
 * aggregation "mean"). LabelMap[] + logits → Heatmap, computed per pixel from the label maps instead of
 * upstream's [M, 224, 224] mask stack, with the same float32 roundings.
 */
import { invalidOption } from "../errors.js";
import type { LabelMap } from "./slic.js";

export interface Heatmap {
  /** Row-major values, length width * height. */
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
}

const f32 = Math.fround;

function validateInputs(
  labelMaps: readonly LabelMap[],
  logitsPerMap: readonly ArrayLike<number>[],
  t: number,
): void {
  if (!Array.isArray(labelMaps) || labelMaps.length === 0) {
    throw invalidOption("labelMaps", "a non-empty array of LabelMap", labelMaps);
  }
  if (!Array.isArray(logitsPerMap) || logitsPerMap.length !== labelMaps.length) {
    throw invalidOption(
      "logitsPerMap",
      `an array with one logit array per label map (${labelMaps.length})`,
      logitsPerMap,
    );
  }
  if (typeof t !== "number" || !Number.isFinite(t) || t <= 0) {
    throw invalidOption("temperature", "a finite number > 0", t);
  }
  const { width, height } = labelMaps[0];
  labelMaps.forEach((map, k) => {
    if (map.width !== width || map.height !== height || map.labels.length !== width * height) {
      throw invalidOption(`labelMaps[${k}]`, `a ${width}×${height} label map like labelMaps[0]`, map);
    }
    const logits = logitsPerMap[k];
    if (logits === null || typeof logits !== "object" || typeof logits.length !== "number") {
      throw invalidOption(`logitsPerMap[${k}]`, "an array of numbers", logits);
    }
    if (logits.length !== map.count) {
      throw invalidOption(
        `logitsPerMap[${k}].length`,
        `the label count of labelMaps[${k}] (${map.count})`,
        logits.length,
      );
    }
  });
}

/**
 * The SLICViT heatmap: each pixel averages `exp(logit / temperature)` over the one mask per label map that
 * holds it, then the map is min–max normalised as `(h - min) / (max - min + 1e-8)`.
 * `logitsPerMap[k][label - 1]` is the cosine logit of the mask `labelMaps[k].labels === label` — the order
 * upstream stacks masks in (`for n in n_segments: for label in np.unique(labels_n)`).
 * Rounding as upstream: logits are float32, the per-pixel sum is a float32 running sum in map order, the
 * mean is rounded to float32, and so is every step of the normalisation.
 * @throws GritlocError E_INVALID_OPTION when sizes, counts or the temperature do not fit.
 * @example
 * const heatmap = heatmapFromLabels(prepared.labelMaps, logitsPerMap, 0.02);
 */
export function heatmapFromLabels(
  labelMaps: readonly LabelMap[],
  logitsPerMap: readonly ArrayLike<number>[],
  temperature: number,
): Heatmap {
  validateInputs(labelMaps, logitsPerMap, temperature);
  const { width, height } = labelMaps[0];
  const pixels = width * height;
  const data = new Float32Array(pixels);
  const t = f32(temperature);
  let scores = new Float32Array(0);
  for (let k = 0; k < labelMaps.length; k++) {
    const { labels, count } = labelMaps[k];
    const logits = logitsPerMap[k];
    if (scores.length < count + 1) scores = new Float32Array(count + 1);
    // scores[label] = float32 exp(float32 logit / float32 T); labels start at 1.
    for (let i = 0; i < count; i++) scores[i + 1] = Math.exp(f32(f32(logits[i]) / t));
    for (let p = 0; p < pixels; p++) data[p] += scores[labels[p]];
  }
  // nanmean divides the float32 sum by the per-pixel count (here: one mask per map) in double.
  const n = labelMaps.length;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let p = 0; p < pixels; p++) {
    const v = f32(data[p] / n);
    data[p] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // NumPy: (h - min) is float32; (max - min) is float32, + 1e-8 in double, then cast to float32.
  const denominator = f32(f32(max - min) + 1e-8);
  for (let p = 0; p < pixels; p++) data[p] = f32(f32(data[p] - min) / denominator);
  return { data, width, height };
}
