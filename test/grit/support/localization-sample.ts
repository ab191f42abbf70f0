/**
 * Hand-made localization samples for the metric tests: an id, ground-truth boxes and meta → a GritSample asking
 * "thing" (undistorted, sameSrc, sameCpt, no data source unless the meta says otherwise).
 */
import type { BoxXyxy } from "../../../src/grit/box.js";
import type { GritSample } from "../../../src/grit/samples.js";

export function localizationSample(
  id: string,
  gt: BoxXyxy[],
  meta: Partial<NonNullable<GritSample["meta"]>> = {},
): GritSample {
  return {
    exampleId: id,
    imageId: `${id}.jpg`,
    taskName: "localization",
    taskQuery: "thing",
    taskBbox: null,
    outputOptions: null,
    groundTruth: { bboxes: gt },
    meta: {
      dataSource: null,
      imageSize: null,
      isNewSource: false,
      hasNewConcept: false,
      isDistorted: false,
      distortion: null,
      concepts: [],
      ...meta,
    },
  };
}

/** A sample of `source` in the partitions `flags` names (each false unless given). */
export function sourceSample(
  id: string,
  source: string,
  flags: { newSrc?: boolean; newCpt?: boolean; dist?: boolean },
  gt: BoxXyxy[] = [],
): GritSample {
  return localizationSample(id, gt, {
    dataSource: source,
    isNewSource: flags.newSrc === true,
    hasNewConcept: flags.newCpt === true,
    isDistorted: flags.dist === true,
  });
}
