/**
 * SLICViT's mask → attention structure (adapting-CLIP `spatial_vit.py` `masks_to_attn_map`, design §3.5):
 * every label of every SLIC map is a mask; each mask is sampled nearest onto the grid×grid token grid
 * (pixel (7i, 7j) for 224 → 32, PyTorch's `floor(dst · in/out)`), and its region token attends to the patch
 * tokens whose sample lies inside it. Masks with the same patch set get identical embeddings (region tokens
 * see nothing else), so they share one region. Each region's attended tokens (its patches, then itself) form one
 * row; regions are grouped by row length and each group's rows padded to its longest, so the graph attends with
 * Gather/MatMul/Softmax only and pads little. LabelMap[] → RegionAttentionIndex.
 */
import { invalidOption } from "../../errors.js";
import type { LabelMap } from "../../vision/slic.js";
import type { AttendedRowGroup } from "../clip/spatial-vision-encoder.js";

export interface RegionAttentionIndex {
  /** Masks in upstream order: label map k, labels 1..count_k ascending. */
  readonly maskCount: number;
  /** Distinct patch sets = region tokens the model runs, numbered group by group. */
  readonly regionCount: number;
  /** [maskCount] region of each mask. */
  readonly maskRegion: Int32Array;
  /** [maskCount] number of grid patches inside each mask (upstream's attended patch columns). */
  readonly keepCounts: Int32Array;
  /** Token grid side. */
  readonly grid: number;
  /** Regions by row length, narrowest group first; group g holds the regions after those of groups < g. */
  readonly rowGroups: readonly AttendedRowGroup[];
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
 * The attention structure of a SLIC pyramid on a grid×grid token grid, its regions in `rowGroups` groups.
 * @param rowGroups how many row widths regions are grouped into: the encoder's `rowGroups`.
 * @throws GritlocError E_INVALID_OPTION when `rowGroups` is not a positive integer.
 *
 * @example
 * const index = buildRegionAttentionIndex(prepared.labelMaps, 32, encoder.rowGroups);
 * index.maskCount; // ≈ 3,700 for the seed config; index.regionCount ≈ 2,400
 */
export function buildRegionAttentionIndex(
  labelMaps: readonly LabelMap[],
  grid: number,
  rowGroups = 1,
): RegionAttentionIndex {
  if (!Number.isInteger(rowGroups) || rowGroups < 1)
    throw invalidOption("rowGroups", "a positive integer (the encoder's rowGroups)", rowGroups);
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

  // Deduplicate masks by patch set (first appearance order), then renumber the regions group by group.
  const maskOfKey = new Map<string, number>();
  const firstMask = new Int32Array(maskCount);
  const distinct: number[] = [];
  for (let m = 0; m < maskCount; m++) {
    const key = maskPatches.subarray(maskStart[m], maskStart[m + 1]).join(",");
    const first = maskOfKey.get(key);
    if (first === undefined) {
      maskOfKey.set(key, m);
      distinct.push(m);
    }
    firstMask[m] = first ?? m;
  }
  const widths = groupWidths(
    distinct.map((m) => keepCounts[m] + 1),
    rowGroups,
  );
  // Each region goes to the narrowest group its row fits; within a group, regions keep first-appearance order.
  const members: number[][] = widths.map(() => []);
  for (const m of distinct) members[widths.findIndex((w) => w >= keepCounts[m] + 1)].push(m);
  const regionOfFirst = new Int32Array(maskCount);
  let regions = 0;
  const rowGroupList = widths.map((rowWidth, g): AttendedRowGroup => {
    const attendedTokens = new Int32Array(members[g].length * rowWidth).fill(ATTENDED_PADDING);
    const attendedBias = new Float32Array(members[g].length * rowWidth).fill(Number.NEGATIVE_INFINITY);
    for (const [i, m] of members[g].entries()) {
      const region = regions++;
      regionOfFirst[m] = region;
      const row = i * rowWidth;
      attendedTokens.set(maskPatches.subarray(maskStart[m], maskStart[m + 1]), row);
      attendedBias.fill(0, row, row + keepCounts[m]);
      // A region always sees itself: every row has a finite score, so −∞ padding gets weight exactly 0, not NaN.
      attendedTokens[row + rowWidth - 1] = patches + region;
      attendedBias[row + rowWidth - 1] = 0;
    }
    return { regionCount: members[g].length, rowWidth, attendedTokens, attendedBias };
  });
  const maskRegion = new Int32Array(maskCount);
  for (let m = 0; m < maskCount; m++) maskRegion[m] = regionOfFirst[firstMask[m]];
  return {
    maskCount,
    regionCount: distinct.length,
    maskRegion,
    keepCounts,
    grid,
    rowGroups: rowGroupList,
  };
}

/**
 * The row widths of `groups` groups (ascending) that pad rows of the given lengths least, each row going to the
 * narrowest group it fits (cost: width − length slots per row). Exact, by dynamic programming over the distinct
 * lengths; when there are fewer distinct lengths than groups, the widest width repeats and those groups stay empty.
 */
function groupWidths(lengths: readonly number[], groups: number): number[] {
  const counts = new Map<number, number>();
  for (const n of lengths) counts.set(n, (counts.get(n) ?? 0) + 1);
  const distinct = [...counts.keys()].sort((a, b) => a - b);
  const m = distinct.length;
  const rowsUpTo = [0]; // rows with one of the i shortest lengths
  for (const n of distinct) rowsUpTo.push(rowsUpTo[rowsUpTo.length - 1] + counts.get(n)!);
  // best[j][i]: fewest slots for the rows of the i shortest lengths in ≤ j groups; start[j][i]: where the
  // last of those groups begins (−1: fewer than j groups are used).
  const best = [rowsUpTo.map((_, i) => (i === 0 ? 0 : Number.POSITIVE_INFINITY))];
  const start: number[][] = [[]];
  for (let j = 1; j <= groups; j++) {
    const row = best[j - 1].slice();
    const from = row.map(() => -1);
    for (let i = 1; i <= m; i++) {
      for (let s = 0; s < i; s++) {
        const slots = best[j - 1][s] + (rowsUpTo[i] - rowsUpTo[s]) * distinct[i - 1];
        if (slots < row[i]) {
          row[i] = slots;
          from[i] = s;
        }
      }
    }
    best.push(row);
    start.push(from);
  }
  const widths: number[] = [];
  for (let j = groups, i = m; j > 0 && i > 0; j--) {
    if (start[j][i] < 0) continue;
    widths.unshift(distinct[i - 1]);
    i = start[j][i];
  }
  while (widths.length < groups) widths.push(widths.length > 0 ? widths[widths.length - 1] : 1);
  return widths;
}
