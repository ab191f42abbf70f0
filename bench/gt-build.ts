/**
 * Benchmark: the Open Images side of `gt build` at full test-split size. Prints JSON.
 * Writes a synthetic test-annotations-bbox.csv of the real file's shape (~940k rows over 125,436 images,
 * ~77 MB) and an image-label CSV (~560k rows), takes the 13,183 Open Images ids of the real ablation samples
 * (fixture peer/ ids) as the wanted set, and times the streamed readers and the per-sample box rules; then
 * the whole `buildGroundTruth` for the 14,422 Open Images samples on a root with one small JPEG per image and
 * the annotation files already in the cache (everything but the download: header reads, CSV streaming,
 * rules, writing the file and the report).
 * Run: node --import tsx bench/gt-build.ts
 */
import { createHash } from "node:crypto";
import {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { SeededRandom } from "../src/demo/seeded-random.js";
import { buildGroundTruth } from "../src/gt/build-ground-truth.js";
import { resolveGtRules } from "../src/gt/gt-rules.js";
import { readOpenImagesBoxes, readOpenImagesImageLabels } from "../src/gt/open-images-annotations.js";
import { openImagesGroundTruth } from "../src/gt/open-images-ground-truth.js";
import { parseOpenImagesHierarchy } from "../src/gt/open-images-hierarchy.js";
import { encodeJpeg } from "../src/vision/encode.js";

const fixtures = process.env.GRITLOC_FIXTURES ?? resolve(import.meta.dirname, "../test/fixtures");
const peer = JSON.parse(
  readFileSync(join(fixtures, "peer", "adapting-clip-ablation-localization.json"), "utf8"),
) as {
  example_id: string;
}[];
const tmp = mkdtempSync(join(tmpdir(), "gritloc-bench-gt-"));

async function time<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, Math.round(performance.now() - start)];
}

const samples = peer
  .map((p) => p.example_id)
  .filter((id) => id.startsWith("open_images_loc_"))
  .map((id) => {
    const m = /([0-9a-f]{16})(?:_\/m\/.*)?$/.exec(id);
    return { id, image: m?.[1] as string };
  });
const wanted = new Set(samples.map((s) => s.image));
const rng = new SeededRandom(7);
const hex = () => Array.from({ length: 16 }, () => "0123456789abcdef"[rng.int(0, 15)]).join("");
const images = [...wanted];
while (images.length < 125_436) images.push(hex());
const mids = Array.from({ length: 600 }, (_, i) => `/m/0b${i.toString(36).padStart(4, "0")}`);

async function writeLines(path: string, header: string, rows: (write: (line: string) => void) => void) {
  const out = createWriteStream(path);
  let buffer = `${header}\n`;
  rows((line) => {
    buffer += `${line}\n`;
    if (buffer.length > 1 << 20) {
      out.write(buffer);
      buffer = "";
    }
  });
  out.end(buffer);
  await new Promise<void>((done) => out.on("finish", () => done()));
}

const boxesPath = join(tmp, "test-annotations-bbox.csv");
const labelsPath = join(tmp, "test-annotations-human-imagelabels-boxable.csv");
const c = (v: number) => v.toFixed(6);
await writeLines(
  boxesPath,
  "ImageID,Source,LabelName,Confidence,XMin,XMax,YMin,YMax,IsOccluded,IsTruncated,IsGroupOf,IsDepiction,IsInside",
  (write) => {
    for (const image of images)
      for (let k = rng.int(1, 14); k > 0; k--) {
        const x = (rng.nextUint32() / 2 ** 32) * 0.5;
        const y = (rng.nextUint32() / 2 ** 32) * 0.5;
        write(
          `${image},xclick,${mids[rng.int(0, 599)]},1,${c(x)},${c(x + 0.4)},${c(y)},${c(y + 0.4)},0,0,${rng.int(0, 9) === 0 ? 1 : 0},0,0`,
        );
      }
  },
);
await writeLines(labelsPath, "ImageID,Source,LabelName,Confidence", (write) => {
  for (const image of images)
    for (let k = rng.int(1, 8); k > 0; k--)
      write(`${image},verification,${mids[rng.int(0, 599)]},${rng.int(0, 1)}`);
});

const [boxes, readBoxesMs] = await time(() => readOpenImagesBoxes(boxesPath, wanted));
const [labels, readLabelsMs] = await time(() => readOpenImagesImageLabels(labelsPath, wanted));
const hierarchy = parseOpenImagesHierarchy(
  {
    LabelName: "/m/0bl9f",
    Subcategory: mids.slice(0, 60).map((m, i) => ({
      LabelName: m,
      Subcategory: mids.slice(60 + i * 9, 69 + i * 9).map((l) => ({ LabelName: l })),
    })),
  },
  "synthetic",
);
const rules = resolveGtRules();
const [records, rulesMs] = await time(() =>
  samples.map((s, i) =>
    openImagesGroundTruth({
      mid: mids[i % 600] as string,
      boxes: boxes.get(s.image) ?? [],
      labels: labels.get(s.image) ?? [],
      size: { width: 1024, height: 768 },
      hierarchy,
      rules,
    }),
  ),
);
// The whole build: a GRIT root with the samples, one 64×48 JPEG per image, annotation files in the cache.
const root = join(tmp, "GRIT");
const cache = join(root, "downloads");
mkdirSync(join(root, "samples", "ablation"), { recursive: true });
mkdirSync(join(root, "images", "open_images", "test"), { recursive: true });
mkdirSync(cache, { recursive: true });
writeFileSync(
  join(root, "samples", "ablation", "localization.json"),
  JSON.stringify(
    samples.map((s, i) => ({
      example_id: s.id,
      image_id: `open_images/test/${s.image}.jpg`,
      task_name: "localization",
      task_query: `class ${i % 600}`,
      task_bbox: null,
      output_options: null,
    })),
  ),
);
const jpeg = await encodeJpeg({ width: 64, height: 48, data: new Uint8Array(64 * 48 * 3).fill(90) });
for (const image of wanted) writeFileSync(join(root, "images", "open_images", "test", `${image}.jpg`), jpeg);
writeFileSync(
  join(cache, "class-descriptions-boxable.csv"),
  mids.map((m, i) => `${m},Class ${i}`).join("\n"),
);
writeFileSync(
  join(cache, "bbox_labels_600_hierarchy.json"),
  JSON.stringify({ LabelName: "/m/0bl9f", Subcategory: mids.map((m) => ({ LabelName: m })) }),
);
const remote = (path: string) => {
  const bytes = readFileSync(path);
  return {
    url: `https://bench.invalid/${path.split("/").pop()}`,
    size: bytes.length,
    sha256: createHash("sha256").update(bytes).digest("hex"),
  };
};
writeFileSync(join(cache, "test-annotations-bbox.csv"), readFileSync(boxesPath));
writeFileSync(join(cache, "test-annotations-human-imagelabels-boxable.csv"), readFileSync(labelsPath));
const unused = { url: "https://bench.invalid/x.zip", format: "zip", size: null, sha256: null };
const manifestPath = join(tmp, "manifest.json");
writeFileSync(
  manifestPath,
  JSON.stringify({
    schemaVersion: 1,
    kind: "grit-data",
    sources: {
      samples: unused,
      distortions: { ...unused, format: "tar.gz" },
      coco: {
        imagePrefix: "coco/test2015/",
        imageUrl: "https://bench.invalid/{file}",
        archive: { ...unused, memberPrefix: "test2015/" },
      },
      nyuv2: { ...unused, imagePrefix: "nyuv2/", dataset: "images" },
      open_images: { imagePrefix: "open_images/test/", imageUrl: "https://bench.invalid/{file}" },
    },
    groundTruth: {
      open_images: {
        boxes: remote(join(cache, "test-annotations-bbox.csv")),
        classes: remote(join(cache, "class-descriptions-boxable.csv")),
        hierarchy: remote(join(cache, "bbox_labels_600_hierarchy.json")),
        imageLabels: remote(join(cache, "test-annotations-human-imagelabels-boxable.csv")),
      },
    },
  }),
);
// First build hashes the 100 MB of annotation files once (then stamps them); the second only checks stamps.
const build = () =>
  buildGroundTruth({
    root,
    subset: "ablation",
    manifest: manifestPath,
    sources: ["open_images"],
    retries: 0,
  });
const [first, firstBuildMs] = await time(build);
const [, secondBuildMs] = await time(build);

console.log(
  JSON.stringify(
    {
      bench: "gt-build (Open Images side)",
      boxCsvBytes: statSync(boxesPath).size,
      labelCsvBytes: statSync(labelsPath).size,
      wantedImages: wanted.size,
      samples: samples.length,
      keptBoxRows: [...boxes.values()].reduce((n, b) => n + b.length, 0),
      readBoxesMs,
      readLabelsMs,
      rulesMs,
      nonEmpty: records.filter((r) => r.bboxes.length > 0).length,
      buildSamples: first.report.totals.samples,
      buildRecords: first.report.totals.records,
      firstBuildMs,
      secondBuildMs,
      heapUsedMB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
    },
    null,
    2,
  ),
);
rmSync(tmp, { recursive: true, force: true });
