/**
 * Benchmark: GRIT-proxy's sources and draw at `--size full` scale, without network or images. Prints JSON.
 * Writes synthetic annotation files the size of the real ones (COCO val2017: 5,000 images, ~36,800 instances,
 * 80 categories; Open Images validation: 41,620 images, ~300,000 boxes, ~560,000 human labels, 600 classes;
 * NYUv2: 795 train frames of 64×48 with 894 names) from a seeded RNG, then times reading each into a
 * `ProxySource` and drawing the full size's pairs.
 * Run: node --import tsx bench/proxy-draw.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeLabeledMat } from "../src/data/write-labeled-mat.js";
import { resolveGtRules } from "../src/gt/gt-rules.js";
import { loadCocoInstances } from "../src/proxy/coco-instances.js";
import { cocoProxySource } from "../src/proxy/coco-source.js";
import { drawPairs } from "../src/proxy/draw-pairs.js";
import { nyuv2ProxySource } from "../src/proxy/nyuv2-source.js";
import { openImagesProxySource } from "../src/proxy/open-images-source.js";
import { PROXY_SIZES } from "../src/proxy/proxy-options.js";
import type { ProxySource } from "../src/proxy/proxy-source.js";
import { seededUniform } from "../src/seeded-uniform.js";

const tmp = mkdtempSync(join(tmpdir(), "gritloc-bench-proxy-"));
const next = seededUniform(1);
const pick = (n: number) => Math.floor(next() * n);

/** The value, and the wall-clock and CPU (user + system) milliseconds it took (the CPU time is steadier on a shared machine). */
async function time<T>(fn: () => Promise<T> | T): Promise<[T, { wallMs: number; cpuMs: number }]> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const value = await fn();
  const used = process.cpuUsage(cpu);
  return [
    value,
    { wallMs: Math.round(performance.now() - start), cpuMs: Math.round((used.user + used.system) / 1000) },
  ];
}

// COCO val2017-sized instances.
const images = Array.from({ length: 5000 }, (_, i) => ({
  id: i + 1,
  file_name: `${String(i + 1).padStart(12, "0")}.jpg`,
  width: 640,
  height: 480,
}));
const categories = Array.from({ length: 80 }, (_, i) => ({ id: i + 1, name: `category ${i + 1}` }));
const annotations = Array.from({ length: 36800 }, (_, i) => ({
  id: i + 1,
  image_id: 1 + pick(5000),
  category_id: (1 + (pick(80) * pick(80)) / 80) | 0,
  bbox: [pick(300), pick(200), 10 + pick(300), 10 + pick(250)],
  iscrowd: 0,
}));
const cocoPath = join(tmp, "instances_val2017.json");
writeFileSync(cocoPath, JSON.stringify({ images, categories, annotations }));

// Open Images validation-sized CSVs: class frequencies skewed, as in the real files.
const mids = Array.from({ length: 600 }, (_, i) => `/m/${(0x10000 + i).toString(36)}`);
const classWeight = (): string => mids[Math.floor(600 * next() ** 2.5)] as string;
const boxRows = [
  "ImageID,Source,LabelName,Confidence,XMin,XMax,YMin,YMax,IsOccluded,IsTruncated,IsGroupOf,IsDepiction,IsInside",
];
const labelRows = ["ImageID,Source,LabelName,Confidence"];
for (let i = 0; i < 41620; i++) {
  const id = (0x100000000000000n + BigInt(i) * 7919n).toString(16).slice(0, 16);
  const present = new Set<string>();
  for (let k = 0; k < 7; k++) {
    const mid = classWeight();
    present.add(mid);
    const x = next() * 0.5;
    const y = next() * 0.5;
    boxRows.push(
      `${id},xclick,${mid},1,${x.toFixed(6)},${(x + 0.3).toFixed(6)},${y.toFixed(6)},${(y + 0.3).toFixed(6)},0,0,0,0,0`,
    );
  }
  for (const mid of present) labelRows.push(`${id},verification,${mid},1`);
  for (let k = 0; k < 9; k++) {
    const mid = mids[pick(600)] as string;
    if (!present.has(mid)) labelRows.push(`${id},verification,${mid},0`);
  }
}
const oi = {
  boxes: join(tmp, "validation-annotations-bbox.csv"),
  imageLabels: join(tmp, "validation-annotations-human-imagelabels-boxable.csv"),
  classes: join(tmp, "class-descriptions-boxable.csv"),
  hierarchy: join(tmp, "bbox_labels_600_hierarchy.json"),
};
writeFileSync(oi.boxes, `${boxRows.join("\n")}\n`);
writeFileSync(oi.imageLabels, `${labelRows.join("\n")}\n`);
writeFileSync(oi.classes, `${mids.map((m, i) => `${m},Class ${i}`).join("\n")}\n`);
const children = (from: number, to: number) => mids.slice(from, to).map((m) => ({ LabelName: m }));
writeFileSync(
  oi.hierarchy,
  JSON.stringify({
    LabelName: "/m/0bl9f",
    Subcategory: [{ LabelName: mids[0], Subcategory: children(1, 40) }, ...children(40, 600)],
  }),
);

// NYUv2: 795 frames of 64×48 with 10–40 labelled rectangles each.
const width = 64;
const height = 48;
const names = Array.from({ length: 894 }, (_, i) => `name ${i}`);
const labels: Uint16Array[] = [];
const instances: Uint8Array[] = [];
for (let n = 0; n < 795; n++) {
  const l = new Uint16Array(width * height);
  const inst = new Uint8Array(width * height);
  for (let k = 0; k < 10 + pick(30); k++) {
    const label = 1 + Math.floor(894 * next() ** 3);
    const x0 = pick(56);
    const y0 = pick(40);
    for (let y = y0; y < y0 + 8; y++)
      for (let x = x0; x < x0 + 8; x++) {
        l[y * width + x] = label;
        inst[y * width + x] = 1 + (k % 3);
      }
  }
  labels.push(l);
  instances.push(inst);
}
const matPath = join(tmp, "labeled.mat");
await writeLabeledMat(matPath, { width, height, labels, instances, names });

const rules = resolveGtRules({ openImagesNegatives: "verified-absent" });
const [coco, cocoMs] = await time(async () =>
  cocoProxySource(await loadCocoInstances(cocoPath), "coco/val2017/"),
);
const [openImages, openImagesMs] = await time(() =>
  openImagesProxySource(oi, { imagePrefix: "open_images/validation/" }, rules, 0),
);
const [nyuv2, nyuv2Ms] = await time(() =>
  nyuv2ProxySource(
    matPath,
    { imagePrefix: "nyuv2/", trainImages: Array.from({ length: 795 }, (_, i) => i + 1) },
    rules,
  ),
);
const drawn: Record<string, unknown> = {};
for (const source of [coco, openImages, nyuv2] as ProxySource[]) {
  const plan = PROXY_SIZES.full[source.name];
  const [result, ms] = await time(() => drawPairs(source.pool, { seed: 0, negativeFraction: 0.25, ...plan }));
  drawn[source.name] = {
    ...ms,
    positives: result.positives,
    negatives: result.negatives,
    shortfall: result.shortfall,
  };
}
console.log(
  JSON.stringify(
    {
      bench: "proxy-draw",
      read: { coco: cocoMs, open_images: openImagesMs, nyuv2: nyuv2Ms },
      draw: drawn,
      rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
    },
    null,
    2,
  ),
);
rmSync(tmp, { recursive: true, force: true });
