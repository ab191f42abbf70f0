/**
 * The mini set's rebuild sources: its undistorted "field" samples (the newSrc stand-ins) → a GRIT root in
 * the layout `gritloc gt build` reads, with the annotations in the public sources' own formats: the 320×240
 * field scenes become NYUv2-like (`nyuv2/<n>.jpg` + a labelled v7.3 .mat with `images`, `labels`,
 * `instances`, `names`), the others Open Images-like (`open_images/test/<16 hex>.png` + the four Open
 * Images CSV/JSON files), and a data manifest whose annotation files are already in its cache folder with
 * their size and sha256, so `gt build` verifies and reuses them without a request.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../atomic-file.js";
import { writeLabeledMat } from "../data/write-labeled-mat.js";
import type { GritSample } from "../grit/samples.js";
import { serializeSamples } from "../grit/serialize-samples.js";
import { decodeImage } from "../vision/decode.js";
import { encodeJpeg } from "../vision/encode.js";
import type { MiniGrit } from "./build-mini-grit.js";
import { MINI_SHAPES } from "./draw-shape.js";

/** Field scenes of this size are NYUv2-like (NYUv2's frames are 4:3 as well); the .mat needs one frame size. */
const NYUV2_LIKE_SIZE = { width: 320, height: 240 };
/** Where nothing is ever fetched: the files are in the cache folder (`.invalid` never resolves). */
const NOWHERE = "https://gritloc-mini.invalid";

export interface MiniGtSources {
  /** The GRIT root for `gt build` (samples/, images/, downloads/). */
  readonly root: string;
  /** The data manifest naming the annotation files (already in `<root>/downloads`). */
  readonly manifestPath: string;
  readonly subset: "ablation";
  /** The mini samples the sources cover (with their drawn ground truth), by example id. */
  readonly covered: ReadonlyMap<string, GritSample>;
  readonly openImagesSamples: number;
  readonly nyuv2Samples: number;
}

const displayName = (shape: string) => shape[0]!.toUpperCase() + shape.slice(1);
const mid = (shape: string) => `/m/mini_${shape.replace(" ", "_")}`;
const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex");

/**
 * Writes the sources for `mini` into `dir` (replacing the files it owns). The CSVs, images and samples are
 * the same bytes for the same set; the .mat is not (HDF5 stamps object times).
 * @example
 * const sources = await writeMiniGtSources(mini, "gritloc-demo/mini-grit/gt-sources");
 */
export async function writeMiniGtSources(mini: MiniGrit, dir: string): Promise<MiniGtSources> {
  const downloads = join(dir, "downloads");
  const field = mini.samples.filter((s) => s.meta?.isNewSource === true && s.meta.isDistorted === false);
  const imageIds = [...new Set(field.map((s) => s.imageId))];
  const newImageId = new Map<string, string>();
  const nyuFrames: { imageId: string; pixels: Uint8Array; samples: GritSample[] }[] = [];
  const boxRows: string[] = [];
  const labelRows: string[] = [];
  let openImagesSamples = 0;
  for (const [i, imageId] of imageIds.entries()) {
    const samples = field.filter((s) => s.imageId === imageId);
    const image = await decodeImage(join(mini.imagesDir, imageId));
    const size = samples[0]!.meta!.imageSize!;
    if (size.width === NYUV2_LIKE_SIZE.width && size.height === NYUV2_LIKE_SIZE.height) {
      const n = nyuFrames.length + 1;
      newImageId.set(imageId, `nyuv2/${n}.jpg`);
      await writeFileAtomic(
        join(dir, "images", "nyuv2", `${n}.jpg`),
        await encodeJpeg(image, { quality: 95 }),
      );
      nyuFrames.push({ imageId, pixels: image.data, samples });
      continue;
    }
    const id = `f1e1d${String(i).padStart(11, "0")}`;
    newImageId.set(imageId, `open_images/test/${id}.png`);
    await writeFileAtomic(
      join(dir, "images", "open_images", "test", `${id}.png`),
      await readFile(join(mini.imagesDir, imageId)),
    );
    openImagesSamples += samples.length;
    for (const s of samples) {
      const boxes = s.groundTruth!.bboxes;
      labelRows.push(`${id},verification,${mid(s.taskQuery)},${boxes.length > 0 ? 1 : 0}`);
      // The drawn boxes are pixel-edge coordinates; normalized, they scale back exactly.
      for (const [x1, y1, x2, y2] of boxes) {
        const norm = [x1 / size.width, x2 / size.width, y1 / size.height, y2 / size.height];
        boxRows.push(`${id},xclick,${mid(s.taskQuery)},1,${norm.join(",")},0,0,0,0,0`);
      }
    }
  }
  const names = [...MINI_SHAPES];
  const maps = nyuFrames.map((frame) => {
    const plane = NYUV2_LIKE_SIZE.width * NYUV2_LIKE_SIZE.height;
    const labels = new Uint16Array(plane);
    const instances = new Uint8Array(plane);
    for (const s of frame.samples) {
      const label = names.indexOf(s.taskQuery as (typeof names)[number]) + 1;
      // Only the extents matter to the rebuild: each object's box is filled as its (label, instance) region.
      for (const [k, [x1, y1, x2, y2]] of s.groundTruth!.bboxes.entries()) {
        for (let y = y1; y < y2; y++)
          for (let x = x1; x < x2; x++) {
            labels[y * NYUV2_LIKE_SIZE.width + x] = label;
            instances[y * NYUV2_LIKE_SIZE.width + x] = k + 1;
          }
      }
    }
    return { labels, instances };
  });
  const files: Record<string, string | Uint8Array> = {
    "class-descriptions-boxable.csv": `${names.map((s) => `${mid(s)},${displayName(s)}`).join("\n")}\n`,
    "bbox_labels_600_hierarchy.json": JSON.stringify({
      LabelName: "/m/0bl9f",
      Subcategory: [{ LabelName: "/m/mini_shape", Subcategory: names.map((s) => ({ LabelName: mid(s) })) }],
    }),
    "test-annotations-bbox.csv": `${[
      "ImageID,Source,LabelName,Confidence,XMin,XMax,YMin,YMax,IsOccluded,IsTruncated,IsGroupOf,IsDepiction,IsInside",
      ...boxRows,
    ].join("\n")}\n`,
    "test-annotations-human-imagelabels-boxable.csv": `${["ImageID,Source,LabelName,Confidence", ...labelRows].join("\n")}\n`,
  };
  for (const [name, content] of Object.entries(files)) await writeFileAtomic(join(downloads, name), content);
  const matPath = join(downloads, "nyu_depth_v2_labeled.mat");
  await writeLabeledMat(matPath, {
    ...NYUV2_LIKE_SIZE,
    images: nyuFrames.map((f) => f.pixels),
    labels: maps.map((m) => m.labels),
    instances: maps.map((m) => m.instances),
    names,
  });
  files["nyu_depth_v2_labeled.mat"] = new Uint8Array(await readFile(matPath));
  const remote = (name: string) => {
    const bytes = files[name] as string | Uint8Array;
    const size = typeof bytes === "string" ? Buffer.byteLength(bytes) : bytes.byteLength;
    return { url: `${NOWHERE}/${name}`, size, sha256: sha256(bytes) };
  };
  const manifest = {
    schemaVersion: 1,
    kind: "grit-data",
    description: "The demo's mini rebuild sources (gritloc writeMiniGtSources); every file is in downloads/.",
    sources: {
      samples: { url: `${NOWHERE}/grit_data.zip`, format: "zip", size: null, sha256: null },
      distortions: { url: `${NOWHERE}/distortions.tar.gz`, format: "tar.gz", size: null, sha256: null },
      coco: {
        imagePrefix: "coco/test2015/",
        imageUrl: `${NOWHERE}/coco/{file}`,
        archive: {
          url: `${NOWHERE}/test2015.zip`,
          format: "zip",
          memberPrefix: "test2015/",
          size: null,
          sha256: null,
        },
      },
      nyuv2: { ...remote("nyu_depth_v2_labeled.mat"), imagePrefix: "nyuv2/", dataset: "images" },
      open_images: { imagePrefix: "open_images/test/", imageUrl: `${NOWHERE}/open_images/{file}` },
    },
    groundTruth: {
      open_images: {
        boxes: remote("test-annotations-bbox.csv"),
        classes: remote("class-descriptions-boxable.csv"),
        hierarchy: remote("bbox_labels_600_hierarchy.json"),
        imageLabels: remote("test-annotations-human-imagelabels-boxable.csv"),
      },
    },
  };
  const manifestPath = join(dir, "manifest.json");
  await writeFileAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  const publicSamples = field.map(({ groundTruth: _gt, meta: _meta, ...s }) => ({
    ...s,
    imageId: newImageId.get(s.imageId) as string,
  }));
  await writeFileAtomic(
    join(dir, "samples", "ablation", "localization.json"),
    serializeSamples(publicSamples),
  );
  return {
    root: dir,
    manifestPath,
    subset: "ablation",
    covered: new Map(field.map((s) => [s.exampleId, s])),
    openImagesSamples,
    nyuv2Samples: field.length - openImagesSamples,
  };
}
