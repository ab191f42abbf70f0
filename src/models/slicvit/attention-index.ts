/**
 * SLICViT's mask → attention structure (adapting-CLIP `spatial_vit.py` `masks_to_attn_map`, design §3.5):
 * every label of every SLIC map is a mask; each mask is sampled nearest onto the grid×grid token grid
 * (pixel (7i, 7j) for 224 → 32, PyTorch's `floor(dst · in/out)`), and its region token attends to the patch
 * tokens whose sample lies inside it. Masks with the same patch set get identical embeddings (region tokens
 * see nothing else), so they share one region. Each region's attended tokens (its patches, then itself) are one
 * row padded to the longest, so the graph attends with Gather/MatMul/Softmax only. LabelMap[] → RegionAttentionIndex.
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
  /** Token grid side. */
  readonly grid: number;
  /** Row length: the most patches any region attends to, plus one slot for the region itself. */
  readonly rowWidth: number;
  /**
   * [regionCount, rowWidth] the tokens each region attends to, numbered like the graph's key table (patch p is
   * p, region u's own token is grid² + u). Row u: its patches ascending, padding (`ATTENDED_PADDING`), itself.
   */
  readonly attendedTokens: Int32Array;
  /** [regionCount, rowWidth] additive score bias: 0 for the attended tokens, −∞ for the padding. */
  readonly attendedBias: Float32Array;
}

/** The token that padding slots point at: any valid token does, since their −∞ bias gives them weight 0. */
export const ATTENDED_PADDING = 0;

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
  let widest = 0;
  for (const m of regionMasks) widest = Math.max(widest, keepCounts[m]);
  const rowWidth = widest + 1;
  const regionCount = regionMasks.length;
  const attendedTokens = new Int32Array(regionCount * rowWidth).fill(ATTENDED_PADDING);
  const attendedBias = new Float32Array(regionCount * rowWidth).fill(Number.NEGATIVE_INFINITY);
  for (const [region, m] of regionMasks.entries()) {
    const row = region * rowWidth;
    attendedTokens.set(maskPatches.subarray(maskStart[m], maskStart[m + 1]), row);
    attendedBias.fill(0, row, row + keepCounts[m]);
    // A region always sees itself, so no row is all −∞ (its softmax stays finite).
    attendedTokens[row + rowWidth - 1] = patches + region;
    attendedBias[row + rowWidth - 1] = 0;
  }
  return {
    maskCount,
    regionCount,
    maskRegion,
    keepCounts,
    grid,
    rowWidth,
    attendedTokens,
    attendedBias,
  };
}
