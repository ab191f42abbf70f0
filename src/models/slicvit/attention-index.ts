/**
 * SLICViT's mask → attention structure (adapting-CLIP `spatial_vit.py` `masks_to_attn_map`, design §3.5):
 * every label of every SLIC map is a mask; each mask is sampled nearest onto the grid×grid token grid
 * (pixel (7i, 7j) for 224 → 32, PyTorch's `floor(dst · in/out)`), and its region token attends to the patch
 * tokens whose sample lies inside it. Masks with the same patch set get identical embeddings (region tokens
 * see nothing else), so they share one region. LabelMap[] → RegionAttentionIndex.
 */
import type { LabelMap } from "../../vision/slic.js";

export interface RegionAttentionIndex {
  /** Masks in upstream order: label map k, labels 1..count_k ascending. */
  readonly maskCount: number;
  /** Distinct patch sets = region tokens the model runs. */
  readonly regionCount: number;
  /** [maskCount] region of each mask. */
  readonly maskRegion: Int32Array;
  /** [maskCount] number of grid patches inside each mask (upstream's attended patch columns). */
  readonly keepCounts: Int32Array;
  /** (region, patch) pairs, grouped by region, patches ascending: region u attends to patch `pairPatch[i]`. */
  readonly pairRegion: Int32Array;
  readonly pairPatch: Int32Array;
  /** Token grid side. */
  readonly grid: number;
}

/** PyTorch's nearest source index (`nearest_idx`: exact for 2× and same-size, else floor(dst · in/out)). */
function nearestSource(dst: number, inSize: number, outSize: number): number {
  if (outSize === inSize) return dst;
  if (outSize === 2 * inSize) return dst >> 1;
  return Math.min(Math.floor(dst * Math.fround(inSize / outSize)), inSize - 1);
}

/**
 * The attention structure of a SLIC pyramid on a grid×grid token grid.
 *
 * @example
 * const index = buildRegionAttentionIndex(prepared.labelMaps, 32);
 * index.maskCount; // ≈ 3,700 for the seed config; index.regionCount is a little lower
 */
export function buildRegionAttentionIndex(
  labelMaps: readonly LabelMap[],
  grid: number,
): RegionAttentionIndex {
  const maskCount = labelMaps.reduce((n, m) => n + m.count, 0);
  const patches = grid * grid;
  const keepCounts = new Int32Array(maskCount);
  // Per mask, its patches (ascending, because patches are visited in order): CSR over all levels.
  const maskStart = new Int32Array(maskCount + 1);
  const sampled = new Int32Array(labelMaps.length * patches);
  let offset = 0;
  for (const [k, map] of labelMaps.entries()) {
    for (let i = 0; i < grid; i++) {
      const row = nearestSource(i, map.height, grid) * map.width;
      for (let j = 0; j < grid; j++) {
        const mask = offset + map.labels[row + nearestSource(j, map.width, grid)] - 1;
        sampled[k * patches + i * grid + j] = mask;
        keepCounts[mask]++;
      }
    }
    offset += map.count;
  }
  for (let m = 0; m < maskCount; m++) maskStart[m + 1] = maskStart[m] + keepCounts[m];
  const maskPatches = new Int32Array(maskStart[maskCount]);
  const fill = maskStart.slice(0, maskCount);
  for (let k = 0; k < labelMaps.length; k++) {
    for (let p = 0; p < patches; p++) maskPatches[fill[sampled[k * patches + p]]++] = p;
  }

  // Deduplicate masks by patch set; regions keep first-appearance order.
  const regionOfKey = new Map<string, number>();
  const maskRegion = new Int32Array(maskCount);
  const regionMasks: number[] = [];
  for (let m = 0; m < maskCount; m++) {
    const key = maskPatches.subarray(maskStart[m], maskStart[m + 1]).join(",");
    let region = regionOfKey.get(key);
    if (region === undefined) {
      region = regionMasks.length;
      regionOfKey.set(key, region);
      regionMasks.push(m);
    }
    maskRegion[m] = region;
  }
  let pairs = 0;
  for (const m of regionMasks) pairs += keepCounts[m];
  const pairRegion = new Int32Array(pairs);
  const pairPatch = new Int32Array(pairs);
  let at = 0;
  for (const [region, m] of regionMasks.entries()) {
    for (let i = maskStart[m]; i < maskStart[m + 1]; i++) {
      pairRegion[at] = region;
      pairPatch[at++] = maskPatches[i];
    }
  }
  return { maskCount, regionCount: regionMasks.length, maskRegion, keepCounts, pairRegion, pairPatch, grid };
}
