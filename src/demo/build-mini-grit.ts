/**
 * The embedded mini GRIT set: a folder (+ seed, scene count) → ~40 drawn scenes and their distorted twins as
 * PNGs, a samples file in the extended {input, output, meta} format with ground truth, a lemma2groups file
 * and a manifest with every file's sha256. Generated, never downloaded: the same bytes for the same options.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { writeFileAtomic } from "../atomic-file.js";
import { invalidOption } from "../errors.js";
import type { BoxXyxy } from "../grit/box.js";
import type { GritSample } from "../grit/samples.js";
import { serializeSamples } from "../grit/serialize-samples.js";
import { encodePng } from "../vision/encode.js";
import type { RgbImage } from "../vision/image.js";
import { distortImage } from "./distort-image.js";
import { drawBackground } from "./draw-background.js";
import { drawShape, MINI_SHAPES, type MiniShape } from "./draw-shape.js";
import { type MiniScene, planScene } from "./plan-scene.js";
import { SeededRandom } from "./seeded-random.js";

/**
 * Concept metadata. Seen concepts stand for GRIT's sameCpt, new ones for newCpt. The groups are an arbitrary
 * stand-in mapping onto GRIT group names so per-group keys appear; "star" maps to a group GRIT never reports
 * and "plus sign" is absent (ungrouped), two quirks the official metric handles.
 */
const CONCEPTS: Readonly<
  Record<MiniShape, { readonly isNew: boolean; readonly groups?: readonly string[] }>
> = {
  circle: { isNew: false, groups: ["sports_equipment"] },
  square: { isNew: false, groups: ["household_objects"] },
  triangle: { isNew: false, groups: ["transport_infrastructure"] },
  star: { isNew: true, groups: ["not_a_grit_group"] },
  ring: { isNew: true, groups: ["clothing_accessories"] },
  "plus sign": { isNew: true },
};

/** Subset name used for the samples folder and the submission zip. */
const SUBSET = "ablation";
const MANIFEST_FORMAT = 1;

export interface BuildMiniGritOptions {
  /** The folder to write into (created; files the set owns are replaced). */
  readonly dir: string;
  /** Scenes to draw, at least 8 (every partition then has ≥ 2 samples). @default 40 */
  readonly scenes?: number;
  /** Seed of every random choice. @default 0 */
  readonly seed?: number;
}

/** Counts of the built set. */
export interface MiniGritCounts {
  readonly scenes: number;
  readonly images: number;
  readonly samples: number;
  readonly distorted: number;
  /** Samples whose category is absent from the image (ground truth []). */
  readonly empty: number;
}

export interface MiniGrit {
  /** The folder (GRIT layout: samples/, images/). */
  readonly root: string;
  /** `samples/ablation/localization.json`, extended format with ground truth. */
  readonly samplesPath: string;
  /** `images/`, what the samples' image ids are relative to. */
  readonly imagesDir: string;
  /** `lemma2groups.json` (lemma → GRIT concept groups). */
  readonly lemma2groupsPath: string;
  /** `mini-grit.json`: options, counts, every file's size and sha256, and the pixel digest. */
  readonly manifestPath: string;
  /** The submission subset to use with these samples ("ablation"). */
  readonly subset: "ablation";
  readonly samples: readonly GritSample[];
  readonly counts: MiniGritCounts;
  /** Every image's id (relative to `imagesDir`), size and the sha256 of its raw RGB pixels, by id. */
  readonly images: readonly MiniGritImage[];
  /** `pixelsDigest(images)`: one digest of all pixels, independent of the PNG encoder's bytes. */
  readonly pixelsSha256: string;
}

/** One image of the set and the sha256 of its raw RGB pixels (HWC). */
export interface MiniGritImage {
  readonly imageId: string;
  readonly width: number;
  readonly height: number;
  readonly pixelsSha256: string;
}

/** sha256 over the lines `<imageId> <W>x<H> <pixels sha256>`, in the order given (the set sorts by id). */
export function pixelsDigest(images: readonly MiniGritImage[]): string {
  return sha256(images.map((i) => `${i.imageId} ${i.width}x${i.height} ${i.pixelsSha256}\n`).join(""));
}

interface FileRecord {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

function sha256(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function exampleId(scene: MiniScene, query: MiniShape): string {
  return `mini_${scene.source}_loc_${query}_${String(scene.index).padStart(4, "0")}`;
}

function sampleOf(
  scene: MiniScene,
  query: MiniShape,
  imageId: string,
  boxes: readonly BoxXyxy[],
  distortion: string | null,
): GritSample {
  const id = exampleId(scene, query) + (distortion === null ? "" : "_dist");
  return {
    exampleId: id,
    imageId,
    taskName: "localization",
    taskQuery: query,
    taskBbox: null,
    outputOptions: null,
    groundTruth: { bboxes: boxes },
    meta: {
      dataSource: `mini_${scene.source}`,
      imageSize: { width: scene.width, height: scene.height },
      isNewSource: scene.source === "field",
      hasNewConcept: CONCEPTS[query].isNew,
      isDistorted: distortion !== null,
      distortion,
      concepts: [{ lemma: query, synset: null }],
    },
  };
}

function checkOptions(options: BuildMiniGritOptions): { dir: string; scenes: number; seed: number } {
  if (typeof options !== "object" || options === null) throw invalidOption("options", "{ dir }", options);
  const { dir, scenes = 40, seed = 0 } = options;
  if (typeof dir !== "string" || dir === "") throw invalidOption("dir", "a folder path", dir);
  if (!Number.isInteger(scenes) || scenes < 8 || scenes > 1000) {
    throw invalidOption("scenes", "an integer from 8 to 1000", scenes);
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw invalidOption("seed", "an integer from 0 to 4294967295", seed);
  }
  return { dir, scenes, seed };
}

/**
 * Draws the mini set into `dir`. Scenes hold 1–3 instances of a shape on a textured background, sometimes a
 * second shape, and every 4th scene is also asked for a shape it does not show. Two sources (studio, field:
 * sameSrc/newSrc), seen and new concepts (sameCpt/newCpt) and distorted twins `<id>_dist` (dist/undist/
 * deldist) give every official partition at least two samples.
 *
 * @throws GritlocError E_INVALID_OPTION for bad options.
 * @example
 * const mini = await buildMiniGrit({ dir: "demo/mini-grit" });
 * mini.samplesPath; // demo/mini-grit/samples/ablation/localization.json
 */
export async function buildMiniGrit(options: BuildMiniGritOptions): Promise<MiniGrit> {
  const { dir, scenes, seed } = checkOptions(options);
  const imagesDir = join(dir, "images");
  const files: FileRecord[] = [];
  const write = async (relative: string, bytes: Uint8Array | string) => {
    await writeFileAtomic(join(dir, relative), bytes);
    const size = typeof bytes === "string" ? Buffer.byteLength(bytes) : bytes.byteLength;
    files.push({ path: relative, size, sha256: sha256(bytes) });
  };
  const images: MiniGritImage[] = [];
  const writeImage = async (imageId: string, image: RgbImage) => {
    images.push({ imageId, width: image.width, height: image.height, pixelsSha256: sha256(image.data) });
    await write(`images/${imageId}`, await encodePng(image));
  };

  const undistorted: GritSample[] = [];
  const distorted: GritSample[] = [];
  for (let index = 0; index < scenes; index++) {
    const scene = planScene(seed, index);
    const image = drawBackground(
      scene.width,
      scene.height,
      scene.source,
      SeededRandom.derive(seed, 3 * index + 1),
    );
    const boxes = new Map<MiniShape, BoxXyxy[]>(MINI_SHAPES.map((s) => [s, []]));
    for (const object of scene.objects) {
      const box = drawShape(image, object);
      if (box !== null) boxes.get(object.shape)!.push(box);
    }
    const name = `scene_${String(index).padStart(4, "0")}.png`;
    const imageId = `mini_${scene.source}/${name}`;
    await writeImage(imageId, image);
    for (const query of scene.queries)
      undistorted.push(sampleOf(scene, query, imageId, boxes.get(query)!, null));
    if (scene.twin !== null) {
      const twin = distortImage(image, scene.twin, SeededRandom.derive(seed, 3 * index + 2));
      const twinId = `distorted/localization/mini_${scene.source}/${name}`;
      await writeImage(twinId, twin.image);
      const main = scene.queries[0];
      distorted.push(sampleOf(scene, main, twinId, boxes.get(main)!, scene.twin));
    }
  }

  const samples = [...undistorted, ...distorted];
  const samplesRelative = `samples/${SUBSET}/localization.json`;
  await write(samplesRelative, serializeSamples(samples));
  const lemma2groups: Record<string, readonly string[]> = {};
  for (const shape of MINI_SHAPES) {
    const groups = CONCEPTS[shape].groups;
    if (groups !== undefined) lemma2groups[shape] = groups;
  }
  await write("lemma2groups.json", `${JSON.stringify(lemma2groups, null, 2)}\n`);

  const counts: MiniGritCounts = {
    scenes,
    images: images.length,
    samples: samples.length,
    distorted: distorted.length,
    empty: samples.filter((s) => s.groundTruth!.bboxes.length === 0).length,
  };
  images.sort((a, b) => (a.imageId < b.imageId ? -1 : 1));
  const pixelsSha256 = pixelsDigest(images);
  const manifest = {
    format: MANIFEST_FORMAT,
    generator: "gritloc buildMiniGrit",
    seed,
    counts,
    pixelsSha256,
    images,
    files: [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
  };
  const manifestPath = join(dir, "mini-grit.json");
  await writeFileAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return {
    root: dir,
    samplesPath: join(dir, samplesRelative),
    imagesDir,
    lemma2groupsPath: join(dir, "lemma2groups.json"),
    manifestPath,
    subset: SUBSET,
    samples,
    counts,
    images,
    pixelsSha256,
  };
}
