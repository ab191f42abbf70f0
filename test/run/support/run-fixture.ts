/**
 * Builds a throw-away GRIT-like setup for runner tests: a samples file (public snake_case format) over a few
 * images, the image files, and an empty run folder, all under a temp dir.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { seededUniform } from "../../../src/seeded-uniform.js";
import { encodePng } from "../../../src/vision/encode.js";

export interface RunFixture {
  readonly root: string;
  readonly samplesPath: string;
  readonly imagesDir: string;
  readonly runDir: string;
  readonly samples: { exampleId: string; imageId: string; taskQuery: string }[];
  readonly imageIds: string[];
  cleanup(): Promise<void>;
}

const QUERIES = ["dog", "baking dish", "red car", "person", "tree", "cup"];

export interface RunFixtureOptions {
  readonly samples: number;
  /** Every image gets this many consecutive samples (the last may get fewer). @default 1 */
  readonly perImage?: number;
  /** Instead of `perImage`: each image gets a seeded random count of consecutive samples in [1, maxPerImage]. */
  readonly maxPerImage?: number;
  /** "bytes": small random files (enough for the test prepare); "png": real W×H PNGs for the real pipeline. */
  readonly images?: "bytes" | "png";
  readonly imageSize?: number;
}

/** The project's seeded generator, so fixtures are reproducible (test/cli imports it under this name). */
export const seededRandom = seededUniform;

export async function createRunFixture(options: RunFixtureOptions): Promise<RunFixture> {
  const root = await mkdtemp(join(tmpdir(), "gritloc-run-"));
  const imagesDir = join(root, "images");
  const perImage = options.perImage ?? 1;
  const random = seededUniform(options.samples * 31 + perImage);
  const samples: RunFixture["samples"] = [];
  const imageIds: string[] = [];
  let imageNumber = -1;
  let leftForImage = 0;
  for (let i = 0; i < options.samples; i++) {
    if (leftForImage === 0) {
      imageNumber++;
      leftForImage =
        options.maxPerImage === undefined ? perImage : 1 + Math.floor(random() * options.maxPerImage);
    }
    leftForImage--;
    const imageId = `coco/test2015/COCO_test2015_${String(imageNumber).padStart(12, "0")}.png`;
    if (imageIds.at(-1) !== imageId) imageIds.push(imageId);
    const taskQuery = QUERIES[i % QUERIES.length];
    samples.push({ exampleId: `coco_loc_test-reserve_${taskQuery}_${i}`, imageId, taskQuery });
  }
  const size = options.imageSize ?? 32;
  for (const imageId of imageIds) {
    const path = join(imagesDir, imageId);
    await mkdir(dirname(path), { recursive: true });
    if (options.images === "png") {
      const data = new Uint8Array(size * size * 3);
      for (let k = 0; k < data.length; k++) data[k] = Math.floor(random() * 256);
      await writeFile(path, await encodePng({ width: size, height: size, data }));
    } else {
      await writeFile(path, Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256))));
    }
  }
  const samplesPath = join(root, "localization.json");
  await writeSamples(samplesPath, samples);
  return {
    root,
    samplesPath,
    imagesDir,
    runDir: join(root, "run"),
    samples,
    imageIds,
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** Writes samples in GRIT's public format. */
export async function writeSamples(path: string, samples: RunFixture["samples"]): Promise<void> {
  const wire = samples.map((s) => ({
    example_id: s.exampleId,
    image_id: s.imageId,
    task_name: "localization",
    task_query: s.taskQuery,
    task_bbox: null,
    output_options: null,
  }));
  await writeFile(path, JSON.stringify(wire));
}
