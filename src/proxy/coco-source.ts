/**
 * The proxy's sameSrc: COCO val2017 instances → a `ProxySource`. Positives are (image, category) pairs with
 * at least one instance (crowd boxes included, one box each); negatives are categories with no instance on the
 * image (COCO annotates all 80 categories exhaustively). Ids follow GRIT's `coco_loc_<split>_<query>_<image>`.
 */

import type { CocoInstances } from "./coco-instances.js";
import type { DrawnPair } from "./draw-pairs.js";
import type { ProxyPairSample, ProxySource, ProxyTruth } from "./proxy-source.js";

/** Builds the COCO source from parsed instances; `imagePrefix` is e.g. "coco/val2017/". */
export function cocoProxySource(coco: CocoInstances, imagePrefix: string, split = "val2017"): ProxySource {
  const images = new Map(coco.images.map((i) => [String(i.id), i]));
  const names = new Map(coco.categories.map((c) => [String(c.id), c.name]));
  const categories = coco.categories.map((c) => String(c.id));
  const present = new Map<string, string[]>();
  const absent = new Map<string, string[]>();
  for (const category of categories) {
    present.set(category, []);
    absent.set(category, []);
  }
  for (const image of coco.images) {
    const here = coco.boxes.get(image.id);
    for (const c of coco.categories)
      (here?.has(c.id) ? present : absent).get(String(c.id))?.push(String(image.id));
  }
  const toSample = (pair: DrawnPair): ProxyPairSample => {
    const query = names.get(pair.category) as string;
    return {
      pair,
      exampleId: `coco_loc_${split}_${query}_${pair.image}`,
      imageId: `${imagePrefix}${images.get(pair.image)?.fileName}`,
      query,
      layout: "query-image",
    };
  };
  return {
    name: "coco",
    dataSource: "coco_loc",
    pool: { source: "coco", categories, present, absent },
    toSample,
    async groundTruth(samples, sizes) {
      const truth = new Map<string, ProxyTruth>();
      for (const s of samples) {
        const image = images.get(s.pair.image);
        if (image === undefined || !sizes.has(s.imageId)) continue;
        const boxes = coco.boxes.get(image.id)?.get(Number(s.pair.category)) ?? [];
        truth.set(s.exampleId, { bboxes: boxes, imageSize: { width: image.width, height: image.height } });
      }
      return truth;
    },
  };
}
