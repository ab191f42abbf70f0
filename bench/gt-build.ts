/**
 * Benchmark: the Open Images side of `gt build` at full test-split size. Prints JSON.
 * Writes a synthetic test-annotations-bbox.csv of the real file's shape (~940k rows over 125,436 images,
 * ~77 MB) and an image-label CSV (~560k rows), takes the 13,183 Open Images ids of the real ablation samples
 * (fixture peer/ ids) as the wanted set, and times the streamed readers and the per-sample box rules.
 * Run: node --import tsx bench/gt-build.ts
 */
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { SeededRandom } from "../src/demo/seeded-random.js";
import { resolveGtRules } from "../src/gt/gt-rules.js";
import { readOpenImagesBoxes, readOpenImagesImageLabels } from "../src/gt/open-images-annotations.js";
import { openImagesGroundTruth } from "../src/gt/open-images-ground-truth.js";
import { parseOpenImagesHierarchy } from "../src/gt/open-images-hierarchy.js";

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
      heapUsedMB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
    },
    null,
    2,
  ),
);
rmSync(tmp, { recursive: true, force: true });
