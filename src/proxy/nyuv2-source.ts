/**
 * The proxy's NYUv2 part of newSrc: nyu_depth_v2_labeled.mat + the train split's image numbers → a
 * `ProxySource`, with the rebuilt ground truth's reader and rules (`src/gt/`). A name is present on an image
 * when the rules give it at least one box there; every other name of the 894 is verified absent (the label
 * maps are dense). Ids take GRIT's two NYUv2 layouts: positives `nyuv2_loc_train_<n>_<name>`, negatives
 * `nyuv2_loc_train_<name>_<n>` (in GRIT ablation the second layout holds long-tail names drawn about
 * uniformly, most likely its negatives).
 */
import { GritlocError } from "../errors.js";
import type { GtRules } from "../gt/gt-rules.js";
import { Nyuv2Annotations, type Nyuv2InstanceExtent } from "../gt/nyuv2-annotations.js";
import { nyuv2GroundTruth, resolveNyuv2Query } from "../gt/nyuv2-ground-truth.js";
import type { DrawnPair } from "./draw-pairs.js";
import type { ProxyNyuv2Source } from "./proxy-manifest.js";
import type { ProxyPairSample, ProxySource, ProxyTruth } from "./proxy-source.js";

/**
 * Reads the names and the (label, instance) extents of every split image (kept in memory: a few dozen per
 * image) and builds the source.
 * @throws GritlocError E_DATA_INVALID for a split number outside the file, E_CHECKSUM / E_NOT_FOUND from the reader.
 */
export async function nyuv2ProxySource(
  matPath: string,
  source: Pick<ProxyNyuv2Source, "imagePrefix" | "trainImages">,
  rules: GtRules,
  split = "train",
): Promise<ProxySource> {
  const annotations = await Nyuv2Annotations.open(matPath);
  const extents = new Map<string, Nyuv2InstanceExtent[]>();
  let names: readonly string[];
  try {
    names = annotations.names;
    for (const n of [...source.trainImages].sort((a, b) => a - b))
      extents.set(String(n), annotations.extents(n));
  } finally {
    annotations.close();
  }
  const key = (name: string) => (rules.queryMatch === "lowercase" ? name.toLowerCase() : name);
  const categories = [...new Set(names.map(key))].sort();
  const labelsOf = new Map(categories.map((c) => [c, resolveNyuv2Query(names, c, rules.queryMatch)]));
  const categoryOf = names.map(key);
  const present = new Map<string, string[]>(categories.map((c) => [c, []]));
  const absent = new Map<string, string[]>(categories.map((c) => [c, []]));
  for (const [image, list] of extents) {
    // A name has boxes under the rules exactly when one of its (label, instance) pairs has enough pixels; it
    // is absent only when it is not in the label map at all (a name left out by nyuv2MinPixels is neither).
    const inMap = new Set(list.map((e) => categoryOf[e.label - 1] as string));
    const here = new Set(
      list.filter((e) => e.pixels >= rules.nyuv2MinPixels).map((e) => categoryOf[e.label - 1] as string),
    );
    for (const c of categories) {
      if (here.has(c)) present.get(c)?.push(image);
      else if (!inMap.has(c)) absent.get(c)?.push(image);
    }
  }
  const toSample = (pair: DrawnPair): ProxyPairSample => ({
    pair,
    exampleId: pair.negative
      ? `nyuv2_loc_${split}_${pair.category}_${pair.image}`
      : `nyuv2_loc_${split}_${pair.image}_${pair.category}`,
    imageId: `${source.imagePrefix}${pair.image}.jpg`,
    query: pair.category,
    layout: pair.negative ? "name-index" : "index-name",
  });
  return {
    name: "nyuv2",
    dataSource: "nyuv2_loc",
    pool: { source: "nyuv2", categories, present, absent },
    toSample,
    async groundTruth(samples, sizes) {
      const truth = new Map<string, ProxyTruth>();
      for (const s of samples) {
        const size = sizes.get(s.imageId);
        if (size === undefined) continue;
        const bboxes = nyuv2GroundTruth(
          extents.get(s.pair.image) ?? [],
          labelsOf.get(s.pair.category) ?? [],
          rules,
        );
        // The pool and the ground truth apply the same rules; a disagreement is a bug, never a silent sample.
        if (bboxes.length > 0 === s.pair.negative) {
          throw new GritlocError(
            "E_DATA_INVALID",
            `${s.exampleId}: drawn as a ${s.pair.negative ? "negative" : "positive"} but its ground truth has ${bboxes.length} boxes`,
          );
        }
        truth.set(s.exampleId, { bboxes, imageSize: size });
      }
      return truth;
    },
  };
}
