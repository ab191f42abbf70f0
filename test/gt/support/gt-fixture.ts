/**
 * A synthetic GRIT root for `gt build`, with its annotation sources served by the local test server: Open
 * Images CSVs (classes with a quoted name, boxes with group-of/depiction flags and a Part-only class, human
 * image labels incl. a verified-absent one, rows of images no sample names), a class hierarchy, a NYUv2-style
 * labeled v7.3 .mat, public samples in both id layouts of each source plus COCO and distorted samples, the
 * images (one JPEG with EXIF orientation 6, one missing), and a manifest pointing at it all.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { writeLabeledMat } from "../../../src/data/write-labeled-mat.js";
import { encodeJpeg } from "../../../src/vision/encode.js";
import { fixtureSample } from "../../data/support/grit-fixture.js";
import type { TestServer } from "../../data/support/test-server.js";

export const IMAGE_A = "a000000000000001"; // 200×100
export const IMAGE_B = "b000000000000002"; // stored 100×200, EXIF orientation 6 (displayed 200×100)
export const IMAGE_C = "c000000000000003"; // named by a sample, never on disk

const CLASSES = [
  "/m/07yv9,Vehicle",
  "/m/0k4j,Car",
  "/m/01bjv,Bus",
  "/m/0199g,Bicycle",
  "/m/083wq,Wheel",
  "/m/01lrl,Carnivore",
  "/m/0bt9lr,Dog",
  '/m/07cmd,"Tank"',
  '/m/0cmx8,"Picture frame"',
  '/m/0fake,"Fork, tuning"',
].join("\n");

const BOX_HEADER =
  "ImageID,Source,LabelName,Confidence,XMin,XMax,YMin,YMax,IsOccluded,IsTruncated,IsGroupOf,IsDepiction,IsInside";
const BOXES = [
  BOX_HEADER,
  "ffffffffffffffff,xclick,/m/0k4j,1,0,1,0,1,0,0,0,0,0",
  `${IMAGE_A},xclick,/m/0k4j,1,0.125,0.5,0.375,0.625,0,0,0,0,0`,
  `${IMAGE_A},xclick,/m/01bjv,1,0.5,1,0.25,0.75,0,1,1,0,0`,
  `${IMAGE_A},xclick,/m/083wq,1,0.125,0.25,0.5,0.875,0,0,0,0,0`,
  `${IMAGE_A},activemil,/m/0bt9lr,1,0,0.25,0,0.5,-1,-1,0,1,-1`,
  `${IMAGE_B},xclick,/m/0cmx8,1,0.25,0.5,0.625,1,0,0,0,0,0`,
  `${IMAGE_B},xclick,/m/0cmx8,1,0.5,0.75,0,0.25,1,0,0,0,0`,
].join("\r\n");

const IMAGE_LABELS = [
  "ImageID,Source,LabelName,Confidence",
  `${IMAGE_A},verification,/m/0k4j,1`,
  `${IMAGE_A},verification,/m/0199g,0`,
  `${IMAGE_A},verification,/m/07cmd,1`,
  "ffffffffffffffff,verification,/m/07cmd,0",
].join("\n");

const HIERARCHY = {
  LabelName: "/m/0bl9f",
  Subcategory: [
    {
      LabelName: "/m/07yv9",
      Subcategory: [{ LabelName: "/m/0k4j" }, { LabelName: "/m/01bjv" }, { LabelName: "/m/0199g" }],
    },
    { LabelName: "/m/01lrl", Subcategory: [{ LabelName: "/m/0bt9lr" }] },
    { LabelName: "/m/0k4j", Part: [{ LabelName: "/m/083wq" }] },
    { LabelName: "/m/0cmx8" },
  ],
};

export const NYU_NAMES = ["refridgerator", "unknown", "baking dish", "stuffed animal", "floor"];
export const NYU_SIZE = { width: 16, height: 12 };

/** Frame 2's label (name number) and instance maps: rectangles [x1, y1, x2, y2] inclusive. */
const FRAME_2: readonly { label: number; instance: number; rect: [number, number, number, number] }[] = [
  { label: 5, instance: 0, rect: [0, 10, 15, 11] }, // floor, instance number 0
  { label: 4, instance: 1, rect: [1, 2, 3, 4] }, // stuffed animal, 9 px
  { label: 4, instance: 2, rect: [10, 1, 12, 1] }, // stuffed animal, 3 px
  { label: 4, instance: 3, rect: [15, 11, 15, 11] }, // stuffed animal, 1 px (over the floor)
  { label: 3, instance: 1, rect: [5, 6, 8, 9] }, // baking dish
  { label: 2, instance: 1, rect: [13, 5, 15, 6] }, // unknown
];

export const SAMPLES = [
  fixtureSample(`open_images_loc_test_vehicle_${IMAGE_A}`, `open_images/test/${IMAGE_A}.jpg`, "vehicle"),
  fixtureSample(`open_images_loc_test_${IMAGE_A}_/m/0k4j`, `open_images/test/${IMAGE_A}.jpg`, "car"),
  fixtureSample(`open_images_loc_test_carnivore_${IMAGE_A}`, `open_images/test/${IMAGE_A}.jpg`, "carnivore"),
  // The id names Bus, the query Bicycle (verified absent on the image).
  fixtureSample(`open_images_loc_test_${IMAGE_A}_/m/01bjv`, `open_images/test/${IMAGE_A}.jpg`, "bicycle"),
  fixtureSample(`open_images_loc_test_tank_${IMAGE_A}`, `open_images/test/${IMAGE_A}.jpg`, "tank"),
  fixtureSample(`open_images_loc_test_unicorn_${IMAGE_A}`, `open_images/test/${IMAGE_A}.jpg`, "unicorn"),
  fixtureSample(
    `open_images_loc_test_picture frame_${IMAGE_B}`,
    `open_images/test/${IMAGE_B}.jpg`,
    "picture frame",
  ),
  fixtureSample(`open_images_loc_test_car_${IMAGE_C}`, `open_images/test/${IMAGE_C}.jpg`, "car"),
  fixtureSample("nyuv2_loc_test_2_stuffed animal", "nyuv2/2.jpg", "stuffed animal"),
  fixtureSample("nyuv2_loc_test_2_unknown", "nyuv2/2.jpg", "unknown"),
  fixtureSample("nyuv2_loc_test_refridgerator_2", "nyuv2/2.jpg", "refridgerator"),
  fixtureSample("nyuv2_loc_test_2_baking dish", "nyuv2/2.jpg", "baking dish"),
  fixtureSample("nyuv2_loc_test_5_floor", "nyuv2/5.jpg", "floor"),
  fixtureSample("nyuv2_loc_test_1_floor", "nyuv2/1.jpg", "floor"),
  fixtureSample("nyuv2_loc_test_toy plane_2", "nyuv2/2.jpg", "toy plane"),
  fixtureSample("coco_loc_test-reserve_cake_1", "coco/test2015/COCO_test2015_000000000001.jpg", "cake"),
  fixtureSample(
    "coco_loc_test-reserve_cake_1_dist",
    "distorted/localization/coco/test2015/COCO_test2015_000000000001.jpg",
    "cake",
  ),
];

export interface GtFixture {
  readonly root: string;
  readonly cache: string;
  readonly manifestPath: string;
  /** Server paths of the annotation files. */
  readonly paths: readonly string[];
}

function grey(width: number, height: number) {
  return { width, height, data: new Uint8Array(width * height * 3).fill(128) };
}

function frameMaps(frame: typeof FRAME_2) {
  const { width, height } = NYU_SIZE;
  const labels = new Uint16Array(width * height);
  const instances = new Uint8Array(width * height);
  for (const { label, instance, rect } of frame) {
    for (let y = rect[1]; y <= rect[3]; y++)
      for (let x = rect[0]; x <= rect[2]; x++) {
        labels[y * width + x] = label;
        instances[y * width + x] = instance;
      }
  }
  return { labels, instances };
}

const md5 = (b: Uint8Array) => createHash("md5").update(b).digest("hex");
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** Writes the root under `dir`, registers the annotation routes on `server`, writes the manifest. */
export async function buildGtFixture(server: TestServer, dir: string): Promise<GtFixture> {
  const root = join(dir, "GRIT");
  const images = join(root, "images");
  await mkdir(join(root, "samples", "ablation"), { recursive: true });
  await writeFile(join(root, "samples", "ablation", "localization.json"), JSON.stringify(SAMPLES));
  await mkdir(join(images, "open_images", "test"), { recursive: true });
  await mkdir(join(images, "nyuv2"), { recursive: true });
  await writeFile(join(images, "open_images", "test", `${IMAGE_A}.jpg`), await encodeJpeg(grey(200, 100)));
  const rotated = await sharp(Buffer.from(grey(100, 200).data), {
    raw: { width: 100, height: 200, channels: 3 },
  })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .toBuffer();
  await writeFile(join(images, "open_images", "test", `${IMAGE_B}.jpg`), rotated);
  await writeFile(join(images, "nyuv2", "2.jpg"), await encodeJpeg(grey(NYU_SIZE.width, NYU_SIZE.height)));
  await writeFile(join(images, "nyuv2", "5.jpg"), await encodeJpeg(grey(NYU_SIZE.width, NYU_SIZE.height)));

  const empty = frameMaps([]);
  const two = frameMaps(FRAME_2);
  const matPath = join(dir, "labeled.mat");
  await writeLabeledMat(matPath, {
    ...NYU_SIZE,
    labels: [empty.labels, two.labels, empty.labels],
    instances: [empty.instances, two.instances, empty.instances],
    names: NYU_NAMES,
  });
  const files: Record<string, Uint8Array> = {
    "/oi/test-annotations-bbox.csv": new TextEncoder().encode(BOXES),
    "/oi/class-descriptions-boxable.csv": new TextEncoder().encode(CLASSES),
    "/oi/bbox_labels_600_hierarchy.json": new TextEncoder().encode(JSON.stringify(HIERARCHY)),
    "/oi/test-annotations-human-imagelabels-boxable.csv": new TextEncoder().encode(IMAGE_LABELS),
    "/nyu/nyu_depth_v2_labeled.mat": new Uint8Array(await readFile(matPath)),
  };
  for (const [path, body] of Object.entries(files)) server.routes.set(path, { body, etag: `"${md5(body)}"` });
  const remote = (path: string, check: "md5" | "sha256" | "none") => {
    const body = files[path] as Uint8Array;
    return {
      url: server.url(path),
      size: check === "none" ? null : body.length,
      sha256: check === "sha256" ? sha256(body) : null,
      ...(check === "md5" ? { md5: md5(body) } : {}),
    };
  };
  const unused = { url: server.url("/unused.zip"), format: "zip", size: null, sha256: null };
  const manifest = {
    schemaVersion: 1,
    kind: "grit-data",
    sources: {
      samples: unused,
      distortions: { ...unused, format: "tar.gz" },
      coco: {
        imagePrefix: "coco/test2015/",
        imageUrl: server.url("/coco/{file}"),
        archive: { ...unused, memberPrefix: "test2015/" },
      },
      nyuv2: {
        ...remote("/nyu/nyu_depth_v2_labeled.mat", "sha256"),
        imagePrefix: "nyuv2/",
        dataset: "images",
      },
      open_images: { imagePrefix: "open_images/test/", imageUrl: server.url("/oi-images/{file}") },
    },
    groundTruth: {
      open_images: {
        boxes: remote("/oi/test-annotations-bbox.csv", "md5"),
        classes: remote("/oi/class-descriptions-boxable.csv", "md5"),
        hierarchy: remote("/oi/bbox_labels_600_hierarchy.json", "none"),
        imageLabels: remote("/oi/test-annotations-human-imagelabels-boxable.csv", "md5"),
      },
    },
  };
  const manifestPath = join(dir, "manifest.json");
  await writeFile(manifestPath, JSON.stringify(manifest, null, 2));
  return { root, cache: join(dir, "cache"), manifestPath, paths: Object.keys(files) };
}
