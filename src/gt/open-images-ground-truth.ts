/**
 * Open Images ground truth for one sample: a query (or MID) + the image's boxes and human labels + the
 * image size → the class it names and its pixel boxes, under the rules (query match, hierarchy expansion,
 * group-of/depiction filters, pixel conversion, negatives).
 */
import type { BoxXyxy } from "../grit/box.js";
import type { Size } from "../vision/image.js";
import type { GtRules } from "./gt-rules.js";
import type { OpenImagesBox, OpenImagesClass, OpenImagesImageLabel } from "./open-images-annotations.js";
import { descendantClasses, type OpenImagesHierarchy } from "./open-images-hierarchy.js";
import { openImagesPixelBox } from "./pixel-boxes.js";

/** Classes by MID and by the query text that names them. */
export interface OpenImagesClassIndex {
  readonly byMid: ReadonlyMap<string, OpenImagesClass>;
  /** The class a query names under the `queryMatch` rule, or null. */
  resolveQuery(query: string): OpenImagesClass | null;
}

/**
 * Indexes the boxable classes for query lookup. Under "lowercase" two classes whose names differ only in
 * case would collide; the first one wins (the 600 boxable names have no such pair).
 */
export function indexOpenImagesClasses(
  classes: readonly OpenImagesClass[],
  queryMatch: GtRules["queryMatch"],
): OpenImagesClassIndex {
  const key = (text: string) => (queryMatch === "lowercase" ? text.toLowerCase() : text);
  const byName = new Map<string, OpenImagesClass>();
  for (const c of classes) if (!byName.has(key(c.displayName))) byName.set(key(c.displayName), c);
  return {
    byMid: new Map(classes.map((c) => [c.mid, c])),
    resolveQuery: (query) => byName.get(key(query)) ?? null,
  };
}

/** The ground truth of one (image, class) pair. */
export interface OpenImagesGroundTruth {
  readonly bboxes: BoxXyxy[];
  /** The human image-level labels mark the class absent (Confidence 0) on the image. */
  readonly verifiedAbsent: boolean;
  /** The human image-level labels mark the class present (Confidence 1). */
  readonly verifiedPresent: boolean;
}

/**
 * Boxes of class `mid` (and, with hierarchy expansion, of every class below it) on one image, in the CSV's
 * order, converted to pixels of `size`.
 * @example
 * openImagesGroundTruth({ mid: "/m/07yv9", boxes, labels, size: { width: 1024, height: 683 }, hierarchy, rules });
 */
export function openImagesGroundTruth(input: {
  readonly mid: string;
  /** The image's rows of the bbox CSV (any class). */
  readonly boxes: readonly OpenImagesBox[];
  /** The image's rows of the human image-label CSV (any class). */
  readonly labels: readonly OpenImagesImageLabel[];
  readonly size: Size;
  readonly hierarchy: OpenImagesHierarchy;
  readonly rules: GtRules;
}): OpenImagesGroundTruth {
  const { mid, rules } = input;
  const wanted = new Set(
    rules.openImagesHierarchy === "expand" ? descendantClasses(input.hierarchy, mid) : [mid],
  );
  const bboxes: BoxXyxy[] = [];
  for (const box of input.boxes) {
    if (!wanted.has(box.labelName)) continue;
    if (rules.openImagesGroupOf === "drop" && box.isGroupOf === 1) continue;
    if (rules.openImagesDepiction === "drop" && box.isDepiction === 1) continue;
    bboxes.push(openImagesPixelBox(box, input.size, rules.openImagesPixels));
  }
  const own = input.labels.filter((l) => l.labelName === mid);
  return {
    bboxes,
    verifiedAbsent: own.some((l) => l.confidence === 0),
    verifiedPresent: own.some((l) => l.confidence === 1),
  };
}
