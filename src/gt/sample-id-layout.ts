/**
 * GRIT localization example ids → which of a source's two id layouts they use, for the build report:
 * Open Images `open_images_loc_<split>_<imageid>_<MID>` ("image-mid") and `…_<query>_<imageid>`
 * ("query-image"); NYUv2 `nyuv2_loc_<split>_<idx>_<name>` ("index-name") and `…_<name>_<idx>` ("name-index").
 */

/** The sources whose ground truth can be rebuilt from public annotations. */
export type GtSource = "open_images" | "nyuv2";

/** Every rebuildable source, in the order the build handles them. */
export const GT_SOURCES: readonly GtSource[] = ["open_images", "nyuv2"];

export type SampleIdLayout = "image-mid" | "query-image" | "index-name" | "name-index" | "other";

/** The layout of an id, and the MID it carries (image-mid layout only). */
export interface ParsedSampleId {
  readonly layout: SampleIdLayout;
  readonly mid: string | null;
}

const OPEN_IMAGES_IMAGE_MID = /^open_images_loc_[^_]+_[0-9a-f]{16}_(\/m\/[0-9a-z_]+)$/;
const OPEN_IMAGES_QUERY_IMAGE = /^open_images_loc_[^_]+_.+_[0-9a-f]{16}$/;
const NYUV2_INDEX_NAME = /^nyuv2_loc_[^_]+_\d+_.+$/;
const NYUV2_NAME_INDEX = /^nyuv2_loc_[^_]+_.+_\d+$/;

/**
 * The id layout of `exampleId` for `source` ("other" when it matches neither of the source's layouts).
 * @example
 * parseSampleId("open_images_loc_test_da47edcdba035bb8_/m/084zz", "open_images"); // { layout: "image-mid", mid: "/m/084zz" }
 * parseSampleId("nyuv2_loc_test_pen_328", "nyuv2"); // { layout: "name-index", mid: null }
 */
export function parseSampleId(exampleId: string, source: GtSource): ParsedSampleId {
  if (source === "open_images") {
    const m = OPEN_IMAGES_IMAGE_MID.exec(exampleId);
    if (m !== null) return { layout: "image-mid", mid: m[1] as string };
    return { layout: OPEN_IMAGES_QUERY_IMAGE.test(exampleId) ? "query-image" : "other", mid: null };
  }
  if (NYUV2_INDEX_NAME.test(exampleId)) return { layout: "index-name", mid: null };
  return { layout: NYUV2_NAME_INDEX.test(exampleId) ? "name-index" : "other", mid: null };
}

/** The layouts reported for a source, in report order. */
export function layoutsOf(source: GtSource): readonly SampleIdLayout[] {
  return source === "open_images"
    ? ["image-mid", "query-image", "other"]
    : ["index-name", "name-index", "other"];
}
