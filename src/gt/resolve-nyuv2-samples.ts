/**
 * The NYUv2 side of a ground-truth build: the NYUv2 samples + nyu_depth_v2_labeled.mat (`labels`,
 * `instances`, `names`) → one record per resolvable sample, under the rules.
 */

import { basename, join } from "node:path";
import { fetchArchive } from "../data/fetch-archive.js";
import type { GritDataManifest } from "../data/grit-manifest.js";
import { nyuv2ImageNumber } from "../data/nyuv2-images.js";
import { isPresent } from "../data/setup-context.js";
import { addRecord, countsOf, type GtBuildItem, type GtBuildState, leaveOut } from "./gt-build-state.js";
import { Nyuv2Annotations, type Nyuv2InstanceExtent } from "./nyuv2-annotations.js";
import { nyuv2GroundTruth, resolveNyuv2Query } from "./nyuv2-ground-truth.js";
import { parseSampleId } from "./sample-id-layout.js";

/**
 * Resolves the NYUv2 samples: takes the labeled .mat through the manifest (setup already downloaded it),
 * reads the class names and, once per image, the (label, instance) extents, and applies the rules.
 */
export async function resolveNyuv2Samples(
  build: GtBuildState,
  items: readonly GtBuildItem[],
  manifest: GritDataManifest,
): Promise<void> {
  const source = manifest.sources.nyuv2;
  const matPath = await fetchArchive(build.ctx, "nyuv2", source);
  const annotations = await Nyuv2Annotations.open(matPath);
  try {
    const extents = new Map<number, Nyuv2InstanceExtent[]>();
    for (const item of items) {
      const { sample } = item;
      const parsed = parseSampleId(sample.exampleId, "nyuv2");
      const c = countsOf(build, "nyuv2", parsed.layout);
      c.samples++;
      const labels = resolveNyuv2Query(annotations.names, sample.taskQuery, build.rules.queryMatch);
      if (labels.length === 0) {
        const detail = `the query ${JSON.stringify(sample.taskQuery)} is none of the ${annotations.names.length} NYUv2 names`;
        leaveOut(build, c, item, "nyuv2", parsed.layout, "unknown-query", detail);
        continue;
      }
      const n = nyuv2ImageNumber(sample.imageId, source.imagePrefix);
      if (!(n >= 1 && n <= annotations.count)) {
        leaveOut(
          build,
          c,
          item,
          "nyuv2",
          parsed.layout,
          "missing-image",
          `${basename(matPath)} holds images 1–${annotations.count}`,
        );
        continue;
      }
      if (!(await isPresent(join(build.ctx.imagesDir, sample.imageId)))) {
        leaveOut(
          build,
          c,
          item,
          "nyuv2",
          parsed.layout,
          "missing-image",
          `images/${sample.imageId} is missing (run gritloc setup)`,
        );
        continue;
      }
      let frame = extents.get(n);
      if (frame === undefined) {
        frame = annotations.extents(n);
        extents.set(n, frame);
      }
      const size = { width: annotations.width, height: annotations.height };
      addRecord(build, c, item, "nyuv2_loc", size, nyuv2GroundTruth(frame, labels, build.rules));
    }
  } finally {
    annotations.close();
  }
}
