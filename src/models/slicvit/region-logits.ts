/**
 * SLICViT's scores (adapting-CLIP `models/slic_vit.py` `get_mask_scores`): cosine similarity between each
 * mask's region embedding and the query's text embedding, split per SLIC level for the heatmap
 * (`logitsPerMap[k][label - 1]`). L2 normalisation happens once per image and once per query.
 */
import type { RegionAttentionIndex } from "./attention-index.js";

/** Rows of [rows, dim] scaled to unit length (norms in float64, values stored as float32). */
export function normalizeRows(values: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let base = 0; base < values.length; base += dim) {
    let sum = 0;
    for (let i = 0; i < dim; i++) sum += values[base + i] * values[base + i];
    const inv = 1 / Math.sqrt(sum);
    for (let i = 0; i < dim; i++) out[base + i] = values[base + i] * inv;
  }
  return out;
}

/**
 * Per-mask logits of one query, one Float32Array per label map.
 * @param regions unit-length region embeddings [index.regionCount, dim]
 * @param text unit-length text embedding [dim]
 * @param labelCounts the label count of each map, in order
 */
export function regionLogitsPerMap(
  regions: Float32Array,
  text: Float32Array,
  dim: number,
  index: RegionAttentionIndex,
  labelCounts: readonly number[],
): Float32Array[] {
  const perRegion = new Float32Array(index.regionCount);
  for (let r = 0; r < index.regionCount; r++) {
    let dot = 0;
    const base = r * dim;
    for (let i = 0; i < dim; i++) dot += regions[base + i] * text[i];
    perRegion[r] = dot;
  }
  const maps: Float32Array[] = [];
  let mask = 0;
  for (const count of labelCounts) {
    const logits = new Float32Array(count);
    for (let l = 0; l < count; l++) logits[l] = perRegion[index.maskRegion[mask++]];
    maps.push(logits);
  }
  return maps;
}
