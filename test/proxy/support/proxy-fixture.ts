/**
 * A miniature of GRIT-proxy's public inputs served by the test server, all drawn from a seeded RNG: COCO
 * val2017 (an annotation zip with instances_val2017.json whose coco_url fields point nowhere, images by file
 * name), Open Images validation (the three CSVs, a hierarchy with a parent class, images by id), and a NYUv2
 * labeled .mat with images, label and instance maps and names; plus a proxy manifest pointing at all of it.
 */
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { writeLabeledMat } from "../../../src/data/write-labeled-mat.js";
import { seededUniform } from "../../../src/seeded-uniform.js";
import { encodeJpeg } from "../../../src/vision/encode.js";
import type { RgbImage } from "../../../src/vision/image.js";
import { buildZip } from "../../data/support/archives.js";
import type { TestServer } from "../../data/support/test-server.js";

export interface ProxyFixture {
  readonly manifestPath: string;
  /** Server paths of every image, by proxy image id. */
  readonly imageRoutes: ReadonlyMap<string, string>;
  /** Server paths of the annotation files. */
  readonly annotationRoutes: readonly string[];
  /** COCO: image id (number as string) → categories present. */
  readonly cocoPresent: ReadonlyMap<string, ReadonlySet<string>>;
  /** Open Images: image id → MIDs verified absent (Confidence 0). */
  readonly openImagesVerifiedAbsent: ReadonlyMap<string, ReadonlySet<string>>;
  /** NYUv2: image number → names in its label map. */
  readonly nyuv2Present: ReadonlyMap<string, ReadonlySet<string>>;
  readonly nyuv2Names: readonly string[];
  readonly nyuv2TrainImages: readonly number[];
}

function picture(width: number, height: number, next: () => number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  const base = [next() * 255, next() * 255, next() * 255];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++)
        data[(y * width + x) * 3 + c] = Math.floor(((base[c] as number) + x * 5 + y * 3 + next() * 20) % 256);
  return { width, height, data };
}

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

const COCO_CATEGORIES = [
  { id: 1, name: "person" },
  { id: 2, name: "bicycle" },
  { id: 3, name: "car" },
  { id: 18, name: "dog" },
  { id: 44, name: "bottle" },
  { id: 62, name: "chair" },
];

const OI_CLASSES = [
  ["/m/07yv9", "Vehicle"],
  ["/m/0k4j", "Car"],
  ["/m/0199g", "Bicycle"],
  ["/m/0bt9lr", "Dog"],
  ["/m/01g317", "Person"],
  ["/m/07xyvk", "Coffeemaker"],
  ["/m/07cmd", "Tank"],
  ["/m/0319l", "French horn"],
] as const;

const NYU_NAMES = [
  "book",
  "bottle",
  "cabinet",
  "ceiling",
  "chair",
  "cup",
  "refridgerator",
  "unknown",
  "wall",
  "tuna cans",
];

/** Builds the fixture in `dir` (seeded by `seed`), registers its routes on `server`, writes the manifest. */
export async function buildProxyFixture(server: TestServer, dir: string, seed = 11): Promise<ProxyFixture> {
  const next = seededUniform(seed);
  const imageRoutes = new Map<string, string>();

  // COCO: 40 images, each category present with probability 0.35 (1–2 instances).
  const images: object[] = [];
  const annotations: object[] = [];
  const cocoPresent = new Map<string, Set<string>>();
  for (let i = 0; i < 40; i++) {
    const id = 100 + i * 7;
    const fileName = `${String(id).padStart(12, "0")}.jpg`;
    const width = 28 + (i % 4) * 4;
    const height = 20 + (i % 3) * 4;
    images.push({ id, file_name: fileName, width, height, coco_url: `http://nowhere.invalid/${fileName}` });
    const present = new Set<string>();
    for (const c of COCO_CATEGORIES) {
      if (next() >= 0.35) continue;
      present.add(String(c.id));
      for (let k = 0; k < 1 + Math.floor(next() * 2); k++) {
        const x = next() * width * 0.5;
        const y = next() * height * 0.5;
        annotations.push({
          id: annotations.length + 1,
          image_id: id,
          category_id: c.id,
          bbox: [x, y, 2 + next() * (width - x - 2), 2 + next() * (height - y - 2)],
          iscrowd: 0,
        });
      }
    }
    cocoPresent.set(String(id), present);
    const route = `/coco/val2017/${fileName}`;
    server.routes.set(route, { body: await encodeJpeg(picture(width, height, next), { quality: 90 }) });
    imageRoutes.set(`coco/val2017/${fileName}`, route);
  }
  const instances = JSON.stringify({
    info: { description: "synthetic" },
    images,
    annotations,
    categories: COCO_CATEGORIES.map((c) => ({ ...c, supercategory: "thing" })),
  });
  const cocoZip = buildZip([
    { name: "annotations/instances_train2017.json", data: Buffer.from("{}") },
    { name: "annotations/instances_val2017.json", data: Buffer.from(instances) },
  ]);
  server.routes.set("/coco/annotations/annotations_trainval2017.zip", { body: cocoZip, etag: '"c1"' });

  // Open Images: 50 images; boxes for present classes (Car/Bicycle make their parent Vehicle present),
  // human labels: Confidence 1 for present classes, 0 for some absent ones, nothing for the rest.
  const boxRows = [
    "ImageID,Source,LabelName,Confidence,XMin,XMax,YMin,YMax,IsOccluded,IsTruncated,IsGroupOf,IsDepiction,IsInside",
  ];
  const labelRows = ["ImageID,Source,LabelName,Confidence"];
  const openImagesVerifiedAbsent = new Map<string, Set<string>>();
  const leaves = OI_CLASSES.filter(([mid]) => mid !== "/m/07yv9");
  for (let i = 0; i < 50; i++) {
    const id = (0x0a1b2c3d4e5f0000n + BigInt(i * 4099)).toString(16).padStart(16, "0");
    const absentHere = new Set<string>();
    const presentHere = new Set<string>();
    for (const [mid] of leaves) {
      const r = next();
      if (r < 0.3) {
        presentHere.add(mid);
        const x0 = next() * 0.5;
        const y0 = next() * 0.5;
        boxRows.push(
          `${id},xclick,${mid},1,${x0.toFixed(6)},${(x0 + 0.1 + next() * 0.4).toFixed(6)},${y0.toFixed(6)},${(y0 + 0.1 + next() * 0.4).toFixed(6)},0,0,${next() < 0.2 ? 1 : 0},0,0`,
        );
        labelRows.push(`${id},verification,${mid},1`);
      } else if (r < 0.65) {
        absentHere.add(mid);
        labelRows.push(`${id},verification,${mid},0`);
      }
    }
    if (!presentHere.has("/m/0k4j") && !presentHere.has("/m/0199g") && next() < 0.5) {
      absentHere.add("/m/07yv9");
      labelRows.push(`${id},verification,/m/07yv9,0`);
    }
    openImagesVerifiedAbsent.set(id, absentHere);
    const route = `/oi/validation/${id}.jpg`;
    server.routes.set(route, {
      body: await encodeJpeg(picture(20 + (i % 4) * 6, 30 - (i % 3) * 4, next), { quality: 85 }),
    });
    imageRoutes.set(`open_images/validation/${id}.jpg`, route);
  }
  const hierarchy = {
    LabelName: "/m/0bl9f",
    Subcategory: [
      { LabelName: "/m/07yv9", Subcategory: [{ LabelName: "/m/0k4j" }, { LabelName: "/m/0199g" }] },
      ...leaves
        .filter(([mid]) => mid !== "/m/0k4j" && mid !== "/m/0199g")
        .map(([mid]) => ({ LabelName: mid })),
    ],
  };
  const files = {
    "/oi/v5/validation-annotations-bbox.csv": `${boxRows.join("\n")}\n`,
    "/oi/v5/validation-annotations-human-imagelabels-boxable.csv": `${labelRows.join("\n")}\n`,
    "/oi/v5/class-descriptions-boxable.csv": `${OI_CLASSES.map(([m, n]) => `${m},${n}`).join("\n")}\n`,
    "/oi/2018_04/bbox_labels_600_hierarchy.json": JSON.stringify(hierarchy),
  };
  for (const [route, text] of Object.entries(files))
    server.routes.set(route, { body: Buffer.from(text), etag: '"o1"' });

  // NYUv2: 12 frames of 16×12; each frame has 2–4 labelled rectangles (one name may have 2 instances).
  const width = 16;
  const height = 12;
  const frames: Uint8Array[] = [];
  const labels: Uint16Array[] = [];
  const instanceMaps: Uint8Array[] = [];
  const nyuv2Present = new Map<string, Set<string>>();
  for (let n = 1; n <= 12; n++) {
    frames.push(picture(width, height, next).data);
    const l = new Uint16Array(width * height);
    const inst = new Uint8Array(width * height);
    const present = new Set<string>();
    const count = 2 + Math.floor(next() * 3);
    for (let k = 0; k < count; k++) {
      const label = 1 + Math.floor(next() * NYU_NAMES.length);
      const x0 = Math.floor(next() * 12);
      const y0 = Math.floor(next() * 8);
      const instance = present.has(NYU_NAMES[label - 1] as string) ? 2 : 1;
      for (let y = y0; y < Math.min(height, y0 + 3); y++)
        for (let x = x0; x < Math.min(width, x0 + 4); x++) {
          l[y * width + x] = label;
          inst[y * width + x] = instance;
        }
      present.add(NYU_NAMES[label - 1] as string);
    }
    // Rectangles may cover each other: the names present are those left in the map.
    nyuv2Present.set(String(n), new Set([...l].filter((v) => v > 0).map((v) => NYU_NAMES[v - 1] as string)));
    labels.push(l);
    instanceMaps.push(inst);
  }
  const matPath = join(dir, "labeled.mat");
  await writeLabeledMat(matPath, {
    width,
    height,
    images: frames,
    labels,
    instances: instanceMaps,
    names: NYU_NAMES,
  });
  const mat = await readFile(matPath);
  server.routes.set("/nyu/nyu_depth_v2_labeled.mat", { body: mat, etag: '"m1"' });
  const nyuv2TrainImages = [1, 2, 3, 5, 6, 8, 9, 11, 12];

  const manifest = {
    schemaVersion: 1,
    kind: "grit-proxy",
    sources: {
      coco: {
        annotations: {
          url: server.url("/coco/annotations/annotations_trainval2017.zip"),
          format: "zip",
          member: "annotations/instances_val2017.json",
          size: cocoZip.length,
          sha256: sha(cocoZip),
        },
        imagePrefix: "coco/val2017/",
        imageUrl: server.url("/coco/val2017/{file}"),
      },
      open_images: {
        boxes: { url: server.url("/oi/v5/validation-annotations-bbox.csv"), size: null, sha256: null },
        imageLabels: {
          url: server.url("/oi/v5/validation-annotations-human-imagelabels-boxable.csv"),
          size: null,
          sha256: null,
        },
        classes: { url: server.url("/oi/v5/class-descriptions-boxable.csv"), size: null, sha256: null },
        hierarchy: {
          url: server.url("/oi/2018_04/bbox_labels_600_hierarchy.json"),
          size: null,
          sha256: null,
        },
        imagePrefix: "open_images/validation/",
        imageUrl: server.url("/oi/validation/{file}"),
      },
      nyuv2: {
        url: server.url("/nyu/nyu_depth_v2_labeled.mat"),
        imagePrefix: "nyuv2/",
        dataset: "images",
        size: mat.length,
        sha256: sha(mat),
        trainImages: nyuv2TrainImages,
      },
    },
  };
  const manifestPath = join(dir, "proxy-manifest.json");
  await writeFile(manifestPath, JSON.stringify(manifest, null, 2));
  return {
    manifestPath,
    imageRoutes,
    annotationRoutes: [
      "/coco/annotations/annotations_trainval2017.zip",
      ...Object.keys(files),
      "/nyu/nyu_depth_v2_labeled.mat",
    ],
    cocoPresent,
    openImagesVerifiedAbsent,
    nyuv2Present,
    nyuv2Names: NYU_NAMES,
    nyuv2TrainImages,
  };
}
