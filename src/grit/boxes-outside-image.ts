/**
 * Boxes that pass validation but lie partly outside their image: samples + `SubmissionEntry[]` → one warning
 * per box with a negative coordinate, or (where the sample records its image size) beyond the image's width
 * or height. GRIT's scorer accepts such boxes, so these are warnings, never problems.
 */
import { countNoun } from "../count-noun.js";
import type { Size } from "../vision/image.js";
import type { SubmissionEntry } from "./submission.js";

export interface BoxOutsideImage {
  readonly exampleId: string;
  /** Position of the entry in the entries list. */
  readonly index: number;
  /** Position of the box in the entry's `bboxes`. */
  readonly box: number;
  /** e.g. `entry 3 (example_id "x"): bboxes[0] [-4,10,50,60] has x1 < 0`. */
  readonly message: string;
}

/** What GRIT's scorer does with these boxes, for every message that reports them. */
export const OUTSIDE_IMAGE_SCORING =
  "GRIT's scorer (metrics/localization.py) accepts them and computes IoU on the box as given, without " +
  "clipping, so the part outside the image only adds to the box's area and lowers its IoU. Clip boxes to " +
  "[0, width] × [0, height] to avoid that.";

function isFiniteBox(value: unknown): value is readonly [number, number, number, number] {
  return (
    Array.isArray(value) &&
    value.length === 4 &&
    value.every((v) => typeof v === "number" && Number.isFinite(v))
  );
}

/** Which sides of `box` leave the image, e.g. ["x1 < 0", "y2 > 480"]. */
function sidesOutside(box: readonly number[], size: Size | null): string[] {
  const [x1, y1, x2, y2] = box;
  const sides: string[] = [];
  if (x1 < 0) sides.push("x1 < 0");
  if (y1 < 0) sides.push("y1 < 0");
  if (size !== null && x2 > size.width) sides.push(`x2 > ${size.width} (the image width)`);
  if (size !== null && y2 > size.height) sides.push(`y2 > ${size.height} (the image height)`);
  return sides;
}

/**
 * Every well-formed box that leaves its image. Entries with malformed boxes or unknown ids are skipped (those
 * are problems, see `validatePredictions`).
 * @example
 * const outside = findBoxesOutsideImage(samples, entries);
 * if (outside.length > 0) console.warn(formatBoxesOutsideImage(outside));
 */
export function findBoxesOutsideImage(
  samples: readonly { readonly exampleId: string; readonly meta?: { readonly imageSize: Size | null } }[],
  entries: readonly SubmissionEntry[],
): BoxOutsideImage[] {
  const sizes = new Map(samples.map((s) => [s.exampleId, s.meta?.imageSize ?? null]));
  const found: BoxOutsideImage[] = [];
  for (let index = 0; index < entries.length; index++) {
    const { exampleId, bboxes } = entries[index];
    if (!sizes.has(exampleId) || !Array.isArray(bboxes)) continue;
    for (let box = 0; box < bboxes.length; box++) {
      const value: unknown = bboxes[box];
      if (!isFiniteBox(value)) continue;
      const sides = sidesOutside(value, sizes.get(exampleId) ?? null);
      if (sides.length === 0) continue;
      const at = `entry ${index} (example_id ${JSON.stringify(exampleId)})`;
      found.push({
        exampleId,
        index,
        box,
        message: `${at}: bboxes[${box}] ${JSON.stringify(value)} has ${sides.join(" and ")}`,
      });
    }
  }
  return found;
}

/**
 * One warning for the lot: the count, the first box, and what the scorer does with them.
 * @example
 * formatBoxesOutsideImage(outside);
 * // "2 boxes lie partly outside their image, e.g. entry 0 (…): bboxes[0] [-4,0,5,5] has x1 < 0. GRIT's …"
 */
export function formatBoxesOutsideImage(outside: readonly BoxOutsideImage[]): string {
  const verb = outside.length === 1 ? "lies" : "lie";
  return (
    `${countNoun(outside.length, "box", "boxes")} ${verb} partly outside ${outside.length === 1 ? "its" : "their"} ` +
    `image, e.g. ${outside[0].message}. ${OUTSIDE_IMAGE_SCORING}`
  );
}
