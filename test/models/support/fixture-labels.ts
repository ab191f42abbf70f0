/**
 * Test support: the reference SLIC label maps of a fixture image (`slic/NAME_slic_nN.i32`, skimage 0.19.3) as
 * LabelMaps, and the reference 224×224 image, so model tests do not depend on the SLIC port.
 */
import type { LabelMap } from "../../../src/vision/slic.js";
import { readI32, readU8 } from "../../support/fixtures.js";

export const SEED_SEGMENTS = [100, 150, 200, 250, 300, 350, 400, 450, 500, 550, 600];

/** The 11 reference label maps of `slic/NAME_slic_nN.i32`. */
export function fixtureLabelMaps(name: string, segments: readonly number[] = SEED_SEGMENTS): LabelMap[] {
  return segments.map((n) => {
    const labels = readI32("slic", `${name}_slic_n${n}.i32`);
    let count = 0;
    for (const v of labels) count = Math.max(count, v);
    return { labels, count, width: 224, height: 224 };
  });
}

/** The PIL-resized 224×224 image `slic/NAME_224.u8`. */
export function fixtureResized(name: string) {
  return { width: 224, height: 224, data: readU8("slic", `${name}_224.u8`) };
}
