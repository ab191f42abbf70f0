/**
 * The Open Images side of a ground-truth build: the Open Images samples + the annotation files the manifest
 * names (bbox CSV, class descriptions, hierarchy, human image labels) + the images' headers → one record per
 * resolvable sample, under the rules.
 */
import { join } from "node:path";
import { fetchArchive } from "../data/fetch-archive.js";
import type { GritDataManifest } from "../data/grit-manifest.js";
import { runPool } from "../data/run-pool.js";
import { GritlocError } from "../errors.js";
import { readImageHeader } from "../vision/decode.js";
import type { Size } from "../vision/image.js";
import { addRecord, countsOf, type GtBuildItem, type GtBuildState, leaveOut } from "./gt-build-state.js";
import {
  readOpenImagesBoxes,
  readOpenImagesClasses,
  readOpenImagesImageLabels,
} from "./open-images-annotations.js";
import { indexOpenImagesClasses, openImagesGroundTruth } from "./open-images-ground-truth.js";
import { readOpenImagesHierarchy } from "./open-images-hierarchy.js";
import { ruleImageSize } from "./pixel-boxes.js";
import { parseSampleId } from "./sample-id-layout.js";

/** GRIT's Open Images (fiftyone's open-images-v6 zoo) are rescaled to at most this many pixels a side. */
const OPEN_IMAGES_MAX_SIDE = 1024;

/** Whether the images are the ≤ 1024 px versions GRIT used (boxes are scaled to the image at hand). */
export interface OpenImagesSizeCheck {
  /** The longest side among the images read, or null when none was. */
  readonly largestSide: number | null;
  /** Images with a side over 1024 px: their boxes and image_size differ from GRIT's. */
  readonly over1024: number;
}

/** Images whose headers are read at once (they are small reads; the decode is never done). */
const HEADER_CONCURRENCY = 8;

/** The image's size under the `exifRotation` rule, or null when the file is missing or unreadable. */
async function imageSize(build: GtBuildState, imageId: string): Promise<Size | null> {
  try {
    return ruleImageSize(await readImageHeader(join(build.ctx.imagesDir, imageId)), build.rules.exifRotation);
  } catch {
    return null;
  }
}

function needGroundTruthSection(manifest: GritDataManifest, origin: string) {
  if (manifest.groundTruth === undefined) {
    throw new GritlocError(
      "E_MANIFEST_INVALID",
      `${origin} has no groundTruth.open_images section naming the Open Images annotation files. ` +
        "Copy that section from the bundled data-manifests/grit.json into your manifest.",
    );
  }
  return manifest.groundTruth;
}

/**
 * Resolves the Open Images samples: fetches the four annotation files through the manifest, reads the rows
 * of the samples' images, and applies the rules per sample. Returns the size check of the images read.
 */
export async function resolveOpenImagesSamples(
  build: GtBuildState,
  items: readonly GtBuildItem[],
  manifest: GritDataManifest,
  origin: string,
): Promise<OpenImagesSizeCheck> {
  const files = needGroundTruthSection(manifest, origin).open_images;
  const prefix = manifest.sources.open_images.imagePrefix;
  const [boxesPath, classesPath, hierarchyPath, labelsPath] = [
    await fetchArchive(build.ctx, "open_images", files.boxes),
    await fetchArchive(build.ctx, "open_images", files.classes),
    await fetchArchive(build.ctx, "open_images", files.hierarchy),
    await fetchArchive(build.ctx, "open_images", files.imageLabels),
  ] as const;
  const classes = indexOpenImagesClasses(await readOpenImagesClasses(classesPath), build.rules.queryMatch);
  const hierarchy = await readOpenImagesHierarchy(hierarchyPath);
  const openImagesId = (imageId: string) => imageId.slice(prefix.length).replace(/\.[^.]*$/, "");
  const imageIds = new Set(items.map((i) => openImagesId(i.sample.imageId)));
  const boxes = await readOpenImagesBoxes(boxesPath, imageIds);
  const labels = await readOpenImagesImageLabels(labelsPath, imageIds);
  const sizes = new Map<string, Size | null>();
  const distinct = [...new Set(items.map((i) => i.sample.imageId))];
  await runPool(
    distinct,
    HEADER_CONCURRENCY,
    async (imageId) => {
      sizes.set(imageId, await imageSize(build, imageId));
    },
    build.ctx.signal,
  );
  for (const item of items) {
    const { sample } = item;
    const parsed = parseSampleId(sample.exampleId, "open_images");
    const c = countsOf(build, "open_images", parsed.layout);
    c.samples++;
    const byQuery = classes.resolveQuery(sample.taskQuery);
    const useMid = build.rules.openImagesClassFrom === "id-mid" && parsed.mid !== null;
    const cls = useMid ? (classes.byMid.get(parsed.mid as string) ?? null) : byQuery;
    if (parsed.mid !== null && byQuery !== null && byQuery.mid !== parsed.mid) c.midMismatches++;
    if (cls === null) {
      const what = useMid
        ? `the MID ${parsed.mid} in the id`
        : `the query ${JSON.stringify(sample.taskQuery)}`;
      leaveOut(
        build,
        c,
        item,
        "open_images",
        parsed.layout,
        "unknown-query",
        `${what} names no boxable class`,
      );
      continue;
    }
    const size = sizes.get(sample.imageId) ?? null;
    if (size === null) {
      leaveOut(
        build,
        c,
        item,
        "open_images",
        parsed.layout,
        "missing-image",
        `images/${sample.imageId} is missing or unreadable`,
      );
      continue;
    }
    const imageKey = openImagesId(sample.imageId);
    const gt = openImagesGroundTruth({
      mid: cls.mid,
      boxes: boxes.get(imageKey) ?? [],
      labels: labels.get(imageKey) ?? [],
      size,
      hierarchy,
      rules: build.rules,
    });
    if (
      gt.bboxes.length === 0 &&
      build.rules.openImagesNegatives === "verified-absent" &&
      !gt.verifiedAbsent
    ) {
      leaveOut(
        build,
        c,
        item,
        "open_images",
        parsed.layout,
        "unverified-empty",
        `no ${cls.displayName} box and no verified-absent label`,
      );
      continue;
    }
    if (gt.bboxes.length === 0 && gt.verifiedAbsent) c.emptyVerifiedAbsent++;
    if (gt.bboxes.length > 0 && gt.verifiedAbsent) c.boxesButVerifiedAbsent++;
    addRecord(build, c, item, "open_images_loc", size, gt.bboxes);
  }
  const sides = [...sizes.values()].flatMap((size) =>
    size === null ? [] : [Math.max(size.width, size.height)],
  );
  return {
    largestSide: sides.length === 0 ? null : Math.max(...sides),
    over1024: sides.filter((side) => side > OPEN_IMAGES_MAX_SIDE).length,
  };
}
