/**
 * The rules of a ground-truth rebuild: every choice GRIT's hidden generation code made that gritloc has to
 * guess, as one named option with a documented default. `resolveGtRules` checks a partial set and fills in
 * the defaults once; the resolved set is written into gt-report.json.
 */
import { invalidOption } from "../errors.js";

/** The rules `gritloc gt build` (and the proxy builder) apply. See docs/ground-truth.md for the evidence. */
export interface GtRules {
  /**
   * How a query names a class. "lowercase": the query equals the lowercased Open Images boxable display name
   * ("Coffeemaker" → "coffeemaker") or the lowercased NYUv2 name (they are lower case already, typos such as
   * "refridgerator" and the name "unknown" included). "exact": the query must equal the name as written.
   * @default "lowercase"
   */
  readonly queryMatch: "lowercase" | "exact";
  /**
   * Open Images: which class a sample of the `open_images_loc_<split>_<imageid>_<MID>` layout asks for.
   * "query": the query text, as for every other sample; "id-mid": the MID in the example id.
   * @default "query"
   */
  readonly openImagesClassFrom: "query" | "id-mid";
  /**
   * Open Images: normalized → integer pixel boxes on the downloaded (≤ 1024 px) image of width W, height H.
   * "round-clip": round(x·W) clipped to [0, W−1] (a box touching the right edge ends at W−1, as GRIT's
   * published examples do); "scale-minus-one": round(x·(W−1)); "float": x·W unrounded (not GRIT's format).
   * @default "round-clip"
   */
  readonly openImagesPixels: "round-clip" | "scale-minus-one" | "float";
  /** Open Images: boxes flagged IsGroupOf (one box around a crowd of objects). @default "keep" */
  readonly openImagesGroupOf: "keep" | "drop";
  /** Open Images: boxes flagged IsDepiction (a drawing, toy or picture of the object). @default "keep" */
  readonly openImagesDepiction: "keep" | "drop";
  /**
   * Open Images: "expand": a query for a parent class ("vehicle", "carnivore") also gets the boxes of every
   * class below it in bbox_labels_600_hierarchy.json (Subcategory links, not Part links); "exact": only boxes
   * labelled with the class itself.
   * @default "expand"
   */
  readonly openImagesHierarchy: "expand" | "exact";
  /**
   * Open Images: when a class has no box on the image. "no-box": the sample is a negative (`bboxes: []`);
   * "verified-absent": only when the human image-level labels mark the queried class absent on the image
   * (Confidence 0); otherwise the sample is unresolved and gets no record.
   * @default "no-box"
   */
  readonly openImagesNegatives: "no-box" | "verified-absent";
  /**
   * Which image size boxes are scaled to. "ignore": the stored pixel size, as PIL's `Image.open(f).size`
   * (and gritloc's decoder) see it; "apply": the displayed size, width and height swapped for EXIF
   * orientations 5–8.
   * @default "ignore"
   */
  readonly exifRotation: "ignore" | "apply";
  /**
   * NYUv2: "instance": one box per (label, instance) pair, the extent of its pixels in the 640×480 frame;
   * "label": one box around every pixel of the label.
   * @default "instance"
   */
  readonly nyuv2Boxes: "instance" | "label";
  /**
   * NYUv2: "inclusive": x2/y2 are the last pixel's column/row (as Open Images boxes end at W−1);
   * "exclusive": one past it.
   * @default "inclusive"
   */
  readonly nyuv2BoxEnd: "inclusive" | "exclusive";
  /** NYUv2: instances with fewer pixels are left out. @default 1 (none is left out) */
  readonly nyuv2MinPixels: number;
  /**
   * `meta.has_new_concept`. "not-coco-80": true when the query is not one of COCO's 80 category names;
   * "always" / "never": the same value for every sample.
   * @default "not-coco-80"
   */
  readonly newConcept: "not-coco-80" | "always" | "never";
}

/** The defaults (see each rule). */
export const DEFAULT_GT_RULES: GtRules = Object.freeze({
  queryMatch: "lowercase",
  openImagesClassFrom: "query",
  openImagesPixels: "round-clip",
  openImagesGroupOf: "keep",
  openImagesDepiction: "keep",
  openImagesHierarchy: "expand",
  openImagesNegatives: "no-box",
  exifRotation: "ignore",
  nyuv2Boxes: "instance",
  nyuv2BoxEnd: "inclusive",
  nyuv2MinPixels: 1,
  newConcept: "not-coco-80",
});

/** The allowed values of each choice rule (`nyuv2MinPixels` is a number). */
export const GT_RULE_CHOICES: Readonly<Record<Exclude<keyof GtRules, "nyuv2MinPixels">, readonly string[]>> =
  {
    queryMatch: ["lowercase", "exact"],
    openImagesClassFrom: ["query", "id-mid"],
    openImagesPixels: ["round-clip", "scale-minus-one", "float"],
    openImagesGroupOf: ["keep", "drop"],
    openImagesDepiction: ["keep", "drop"],
    openImagesHierarchy: ["expand", "exact"],
    openImagesNegatives: ["no-box", "verified-absent"],
    exifRotation: ["ignore", "apply"],
    nyuv2Boxes: ["instance", "label"],
    nyuv2BoxEnd: ["inclusive", "exclusive"],
    newConcept: ["not-coco-80", "always", "never"],
  };

/**
 * Checks `rules` (any subset) and fills in the defaults; the result is frozen.
 * @throws GritlocError E_INVALID_OPTION naming the rule, the allowed values and what was given.
 * @example
 * resolveGtRules({ openImagesGroupOf: "drop" }).openImagesHierarchy; // "expand"
 */
export function resolveGtRules(rules: Partial<GtRules> = {}): GtRules {
  if (typeof rules !== "object" || rules === null) throw invalidOption("rules", "an object", rules);
  const resolved: Record<string, unknown> = { ...DEFAULT_GT_RULES };
  for (const [name, value] of Object.entries(rules)) {
    if (value === undefined) continue;
    if (name === "nyuv2MinPixels") {
      if (!Number.isSafeInteger(value) || (value as number) < 1)
        throw invalidOption("rules.nyuv2MinPixels", "an integer ≥ 1", value);
    } else {
      const allowed = GT_RULE_CHOICES[name as keyof typeof GT_RULE_CHOICES];
      if (allowed === undefined) {
        throw invalidOption("rules", `rule names among ${Object.keys(DEFAULT_GT_RULES).join(", ")}`, name);
      }
      if (!allowed.includes(value as string)) {
        throw invalidOption(`rules.${name}`, allowed.map((a) => JSON.stringify(a)).join(" or "), value);
      }
    }
    resolved[name] = value;
  }
  return Object.freeze(resolved) as unknown as GtRules;
}

/** COCO's 80 detection category names (instances_*.json `categories[].name`), the rule "not-coco-80" uses. */
export const COCO_80_NAMES: ReadonlySet<string> = new Set([
  "person",
  "bicycle",
  "car",
  "motorcycle",
  "airplane",
  "bus",
  "train",
  "truck",
  "boat",
  "traffic light",
  "fire hydrant",
  "stop sign",
  "parking meter",
  "bench",
  "bird",
  "cat",
  "dog",
  "horse",
  "sheep",
  "cow",
  "elephant",
  "bear",
  "zebra",
  "giraffe",
  "backpack",
  "umbrella",
  "handbag",
  "tie",
  "suitcase",
  "frisbee",
  "skis",
  "snowboard",
  "sports ball",
  "kite",
  "baseball bat",
  "baseball glove",
  "skateboard",
  "surfboard",
  "tennis racket",
  "bottle",
  "wine glass",
  "cup",
  "fork",
  "knife",
  "spoon",
  "bowl",
  "banana",
  "apple",
  "sandwich",
  "orange",
  "broccoli",
  "carrot",
  "hot dog",
  "pizza",
  "donut",
  "cake",
  "chair",
  "couch",
  "potted plant",
  "bed",
  "dining table",
  "toilet",
  "tv",
  "laptop",
  "mouse",
  "remote",
  "keyboard",
  "cell phone",
  "microwave",
  "oven",
  "toaster",
  "sink",
  "refrigerator",
  "book",
  "clock",
  "vase",
  "scissors",
  "teddy bear",
  "hair drier",
  "toothbrush",
]);

/** `meta.has_new_concept` for a query's lemma under the `newConcept` rule. */
export function hasNewConcept(lemma: string, rule: GtRules["newConcept"]): boolean {
  if (rule === "always") return true;
  if (rule === "never") return false;
  return !COCO_80_NAMES.has(lemma.toLowerCase());
}
