/**
 * The proxy's Open Images part of newSrc: the v6 validation CSVs + hierarchy → a `ProxySource`, with the
 * rebuilt ground truth's readers and rules (`src/gt/`). A class is present on an image when the rules give it
 * at least one box there (hierarchy expansion and group-of/depiction filters included); negatives are only
 * classes the human image-level labels verify absent (Confidence 0). Ids take GRIT's two layouts,
 * `open_images_loc_validation_<imageid>_<MID>` and `…_<query>_<imageid>`, by a seeded draw in GRIT ablation's
 * proportion (8,071 of 14,422): whether GRIT's layouts mean anything is unknown, so here they mean nothing.
 */

import { GritlocError } from "../errors.js";
import type { GtRules } from "../gt/gt-rules.js";
import {
  type OpenImagesBox,
  readOpenImagesBoxes,
  readOpenImagesClasses,
  readOpenImagesImageLabels,
} from "../gt/open-images-annotations.js";
import { openImagesGroundTruth } from "../gt/open-images-ground-truth.js";
import { descendantClasses, readOpenImagesHierarchy } from "../gt/open-images-hierarchy.js";
import { compare, type DrawnPair } from "./draw-pairs.js";
import type { ProxyOpenImagesSource } from "./proxy-manifest.js";
import type { ProxyPairSample, ProxySource, ProxyTruth } from "./proxy-source.js";
import { subSeed } from "./seeded-shuffle.js";

/** Share of GRIT ablation's Open Images samples in the `<imageid>_<MID>` layout. */
const IMAGE_MID_SHARE = 8071 / 14422;

export interface OpenImagesPaths {
  readonly boxes: string;
  readonly imageLabels: string;
  readonly classes: string;
  readonly hierarchy: string;
}

/**
 * Reads the Open Images files and builds the source; `seed` picks each sample's id layout.
 * @throws GritlocError E_NOT_FOUND / E_DATA_INVALID from the readers.
 */
export async function openImagesProxySource(
  paths: OpenImagesPaths,
  source: Pick<ProxyOpenImagesSource, "imagePrefix">,
  rules: GtRules,
  seed: number,
  split = "validation",
): Promise<ProxySource> {
  const classes = [...(await readOpenImagesClasses(paths.classes))].sort((a, b) => compare(a.mid, b.mid));
  const hierarchy = await readOpenImagesHierarchy(paths.hierarchy);
  const boxes = await readOpenImagesBoxes(paths.boxes);
  const labels = await readOpenImagesImageLabels(paths.imageLabels);
  // A box of class d counts for d and, with expansion, for every boxable class above it.
  const counted = new Map<string, string[]>();
  for (const c of classes) {
    const below = rules.openImagesHierarchy === "expand" ? descendantClasses(hierarchy, c.mid) : [c.mid];
    for (const d of below) counted.set(d, [...(counted.get(d) ?? []), c.mid]);
  }
  const kept = (box: OpenImagesBox) =>
    !(rules.openImagesGroupOf === "drop" && box.isGroupOf === 1) &&
    !(rules.openImagesDepiction === "drop" && box.isDepiction === 1);
  const present = new Map<string, string[]>(classes.map((c) => [c.mid, []]));
  const absent = new Map<string, string[]>(classes.map((c) => [c.mid, []]));
  const images = [...new Set([...boxes.keys(), ...labels.keys()])].sort();
  for (const image of images) {
    const here = new Set<string>();
    // Classes with any box on the image (kept or dropped by a rule) are never negatives.
    const boxed = new Set<string>();
    for (const box of boxes.get(image) ?? []) {
      for (const mid of counted.get(box.labelName) ?? []) {
        boxed.add(mid);
        if (kept(box)) here.add(mid);
      }
    }
    for (const mid of here) present.get(mid)?.push(image);
    const verifiedAbsent = new Set(
      (labels.get(image) ?? [])
        .filter((l) => l.confidence === 0 && !boxed.has(l.labelName))
        .map((l) => l.labelName),
    );
    for (const mid of verifiedAbsent) absent.get(mid)?.push(image);
  }
  const byMid = new Map(classes.map((c) => [c.mid, c]));
  const queryOf = (mid: string) => {
    const name = byMid.get(mid)?.displayName as string;
    return rules.queryMatch === "lowercase" ? name.toLowerCase() : name;
  };
  const toSample = (pair: DrawnPair): ProxyPairSample => {
    const query = queryOf(pair.category);
    const imageMid =
      subSeed(seed, `open_images/layout/${pair.image}/${pair.category}`) / 2 ** 32 < IMAGE_MID_SHARE;
    return {
      pair,
      exampleId: imageMid
        ? `open_images_loc_${split}_${pair.image}_${pair.category}`
        : `open_images_loc_${split}_${query}_${pair.image}`,
      imageId: `${source.imagePrefix}${pair.image}.jpg`,
      query,
      layout: imageMid ? "image-mid" : "query-image",
    };
  };
  return {
    name: "open_images",
    dataSource: "open_images_loc",
    pool: { source: "open_images", categories: classes.map((c) => c.mid), present, absent },
    toSample,
    async groundTruth(samples, sizes) {
      const truth = new Map<string, ProxyTruth>();
      for (const s of samples) {
        const size = sizes.get(s.imageId);
        if (size === undefined) continue;
        const gt = openImagesGroundTruth({
          mid: s.pair.category,
          boxes: boxes.get(s.pair.image) ?? [],
          labels: labels.get(s.pair.image) ?? [],
          size,
          hierarchy,
          rules,
        });
        // The pool and the ground truth apply the same rules; a disagreement is a bug, never a silent sample.
        if (gt.bboxes.length > 0 === s.pair.negative || (s.pair.negative && !gt.verifiedAbsent)) {
          throw new GritlocError(
            "E_DATA_INVALID",
            `${s.exampleId}: drawn as a ${s.pair.negative ? "negative" : "positive"} but its ground truth has ${gt.bboxes.length} boxes`,
          );
        }
        truth.set(s.exampleId, { bboxes: gt.bboxes, imageSize: size });
      }
      return truth;
    },
  };
}
