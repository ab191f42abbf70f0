/**
 * NYUv2 ground truth for one sample: a query + the image's (label, instance) extents → the label it names
 * and its pixel boxes, under the rules (query match, per instance or per label, box end, minimum size).
 */
import type { BoxXyxy } from "../grit/box.js";
import type { GtRules } from "./gt-rules.js";
import type { Nyuv2InstanceExtent } from "./nyuv2-annotations.js";
import { mergeExtents, nyuv2PixelBox } from "./pixel-boxes.js";

/**
 * The label numbers (1-based) a query names among `names` under the `queryMatch` rule: the raw names,
 * typos ("refridgerator") and "unknown" included. Usually one; a name listed twice gives both.
 */
export function resolveNyuv2Query(
  names: readonly string[],
  query: string,
  queryMatch: GtRules["queryMatch"],
): number[] {
  const key = (text: string) => (queryMatch === "lowercase" ? text.toLowerCase() : text);
  const wanted = key(query);
  const labels: number[] = [];
  for (const [i, name] of names.entries()) if (key(name) === wanted) labels.push(i + 1);
  return labels;
}

/**
 * Boxes of the given labels on one image: one per (label, instance) pair (or per label), in label then
 * instance order; pairs with fewer than `nyuv2MinPixels` pixels are left out.
 * @example
 * nyuv2GroundTruth(extents, [57], rules); // [[414, 263, 484, 308]]
 */
export function nyuv2GroundTruth(
  extents: readonly Nyuv2InstanceExtent[],
  labels: readonly number[],
  rules: GtRules,
): BoxXyxy[] {
  const wanted = new Set(labels);
  const kept = extents.filter((e) => wanted.has(e.label) && e.pixels >= rules.nyuv2MinPixels);
  if (rules.nyuv2Boxes === "instance") return kept.map((e) => nyuv2PixelBox(e, rules.nyuv2BoxEnd));
  const boxes: BoxXyxy[] = [];
  for (const label of labels) {
    const ofLabel = kept.filter((e) => e.label === label);
    if (ofLabel.length > 0) boxes.push(nyuv2PixelBox(mergeExtents(ofLabel), rules.nyuv2BoxEnd));
  }
  return boxes;
}
