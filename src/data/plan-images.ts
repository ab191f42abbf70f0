/**
 * What a samples file needs: GritSample[] → the distinct images it references, grouped by source (COCO,
 * NYUv2, Open Images, distorted), the distorted images to generate (with the undistorted image and the
 * delta key each needs, as generate_distortions.py derives them), and ids of no known source.
 */
import type { GritSample } from "../grit/samples.js";
import type { GritDataManifest } from "./grit-manifest.js";

export type ImageSource = "coco" | "nyuv2" | "open_images" | "distorted";

/** Every source, in the order setup processes them (distorted last: it needs the undistorted images). */
export const IMAGE_SOURCES: readonly ImageSource[] = ["coco", "nyuv2", "open_images", "distorted"];

/** A distorted image and what it is made from. */
export interface DistortedImage {
  readonly exampleId: string;
  /** e.g. "distorted/localization/coco/test2015/COCO_test2015_000000000001.jpg" */
  readonly imageId: string;
  /** `'/'.join(image_id.split('/')[2:])`, e.g. "coco/test2015/COCO_test2015_000000000001.jpg" */
  readonly sourceImageId: string;
  /** `example_id[:-5]`: the example id without "_dist", the dataset name in the deltas file. */
  readonly deltaKey: string;
}

export interface ImagePlan {
  /** Distinct image ids the samples reference, by source, in first-seen order. */
  readonly referenced: Readonly<Record<ImageSource, readonly string[]>>;
  readonly distorted: readonly DistortedImage[];
  /** Referenced image ids that belong to no known source (reported, never fetched). */
  readonly unknown: readonly string[];
}

/** The source of an image id, or null. Distorted ids are recognised as generate_distortions.py does. */
export function sourceOf(imageId: string, manifest: GritDataManifest): ImageSource | null {
  if (imageId.includes("distorted")) return "distorted";
  const s = manifest.sources;
  for (const [source, prefix] of [
    ["coco", s.coco.imagePrefix],
    ["nyuv2", s.nyuv2.imagePrefix],
    ["open_images", s.open_images.imagePrefix],
  ] as const) {
    const file = imageId.startsWith(prefix) ? imageId.slice(prefix.length) : "";
    if (file !== "" && !file.includes("/"))
      return source === "nyuv2" && !/^\d+\.jpg$/.test(file) ? null : source;
  }
  return null;
}

/** Groups the images of `samples` by source (see the file header). */
export function planImages(samples: readonly GritSample[], manifest: GritDataManifest): ImagePlan {
  const referenced: Record<ImageSource, string[]> = { coco: [], nyuv2: [], open_images: [], distorted: [] };
  const seen = new Set<string>();
  const distorted = new Map<string, DistortedImage>();
  const unknown: string[] = [];
  for (const sample of samples) {
    const source = sourceOf(sample.imageId, manifest);
    if (source === "distorted") {
      // generate_distortions.py writes the image once per sample, so for a shared image the last sample wins.
      distorted.set(sample.imageId, {
        exampleId: sample.exampleId,
        imageId: sample.imageId,
        sourceImageId: sample.imageId.split("/").slice(2).join("/"),
        deltaKey: sample.exampleId.slice(0, -5),
      });
    }
    if (seen.has(sample.imageId)) continue;
    seen.add(sample.imageId);
    if (source === null) unknown.push(sample.imageId);
    else referenced[source].push(sample.imageId);
  }
  return { referenced, distorted: [...distorted.values()], unknown };
}
