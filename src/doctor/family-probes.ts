/**
 * One entry per model family of the registry: how `gritloc doctor` draws a seeded model of that family (no
 * downloads) and which numbers it compares between providers and precisions. Adding a family to the registry's
 * ModelSpec makes this table incomplete until the family has its entry (the compiler says so).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BoxXyxy } from "../grit/box.js";
import { type ClipConfig, clipConfigToJson } from "../models/clip/config.js";
import type { Localizer } from "../models/localizer.js";
import { OwlVitLocalizer } from "../models/owlvit/localizer.js";
import { OWLVIT_B32_SIZE, type RandomOwlVitSize, writeRandomOwlVit } from "../models/owlvit/random-owlvit.js";
import { RegionClipLocalizer } from "../models/regionclip/localizer.js";
import {
  type RandomRegionClipSize,
  REGIONCLIP_RN50_SIZE,
  writeRandomRegionClip,
} from "../models/regionclip/random-regionclip.js";
import { cosines, unitRows } from "../models/regionclip/region-scores.js";
import type { ModelFamily, ModelSpec } from "../models/registry.js";
import { SlicVitLocalizer } from "../models/slicvit/localizer.js";
import { CLIP_B16_CONFIG, randomClipTensors, SMOKE_CLIP_CONFIG } from "../models/smoke/random-clip.js";
import { writeSafetensors } from "../models/weights/safetensors-writer.js";
import type { PreparedImage } from "../vision/prepare.js";

export type { ModelFamily };

/** "default" keeps the doctor near a minute on 2 CPU cores; "full" uses the released models' sizes. */
export type DoctorModelSize = "default" | "full";

/** The seeded model a probe drew. */
export interface ProbeModel {
  readonly spec: ModelSpec;
  /** Its size in words, e.g. "random CLIP, vision 384 × 4 layers, patch 16; text 256 × 4 (seed 0)". */
  readonly description: string;
}

/** What is compared between two runs of one image. */
export interface ProbeOutputs {
  /** What `values` holds, e.g. "region embeddings". */
  readonly label: string;
  readonly values: Float32Array;
  /** Per query, the boxes `localize` returned. */
  readonly boxes: readonly (readonly BoxXyxy[])[];
}

export interface FamilyProbe {
  /** Writes the family's seeded model into `dir` (with `vocab`, a CLIP-format merges file, where it needs one). */
  model(dir: string, size: DoctorModelSize, vocab: string): ProbeModel;
  /** Runs `localizer` (of this family) on one image and its queries. */
  outputs(localizer: Localizer, image: PreparedImage, queries: readonly string[]): Promise<ProbeOutputs>;
}

const SEED = 0;

/** The default: B/16's token grid (patch 16 → 28 × 28 after SLICViT's upsampling) at a quarter of its depth. */
const CLIP_DEFAULT: ClipConfig = {
  ...CLIP_B16_CONFIG,
  embedDim: 256,
  visionLayers: 3,
  visionWidth: 384,
  visionHeads: 6,
  transformerWidth: 256,
  transformerHeads: 4,
  transformerLayers: 3,
};

/** The default: B/32's input (768 px, 576 patches) at a quarter of its depth and half its width. */
const OWLVIT_DEFAULT: RandomOwlVitSize = {
  ...OWLVIT_B32_SIZE,
  visionWidth: 384,
  visionLayers: 3,
  visionHeads: 6,
  textWidth: 256,
  textLayers: 3,
  textHeads: 4,
};

/** The default: RN50's topology (every block, 3-4-6-3 twice) at a quarter of its widths; text 128 × 3. */
const REGIONCLIP_DEFAULT: RandomRegionClipSize = {
  clipWidth: 16,
  embedDim: 256,
  rpnStem: 16,
  rpnBottleneck: 16,
  fpnChannels: 64,
  textWidth: 128,
  textLayers: 3,
};

/** Proposals scored by the RoI head: a few at the default size, the zero-shot config's 1,000 with `--full`. */
const REGIONCLIP_PROPOSALS = { default: 100, full: 1000 } as const;

/**
 * The probe's vocabulary (embeddings computed with the text tower): three of the mini set's shapes and three
 * others. The probe images' query ("circle") is not among them, so it is embedded and added as class K (the
 * text tower runs at query time too); the timed run's "square", "star" and "ring" are vocabulary classes.
 */
const REGIONCLIP_CLASSES = ["square", "star", "ring", "mug", "dog", "traffic_light"];

function describeClip(c: ClipConfig): string {
  return (
    `random CLIP (seed ${SEED}), vision ${c.visionWidth} × ${c.visionLayers} layers, patch ${c.visionPatchSize}; ` +
    `text ${c.transformerWidth} × ${c.transformerLayers}`
  );
}

function asSlicVit(localizer: Localizer): SlicVitLocalizer {
  if (!(localizer instanceof SlicVitLocalizer)) throw new TypeError("expected a SlicVitLocalizer");
  return localizer;
}

/** SLICViT (and smoke): the unit region embeddings and text embeddings, and the one box per query. */
async function clipOutputs(
  localizer: Localizer,
  image: PreparedImage,
  queries: readonly string[],
): Promise<ProbeOutputs> {
  const slicVit = asSlicVit(localizer);
  const { embeddings } = await slicVit.regionEmbeddings(image);
  const texts = await slicVit.textEmbeddings(queries);
  const values = new Float32Array(embeddings.length + texts.length * slicVit.dim);
  values.set(embeddings);
  for (const [i, t] of texts.entries()) values.set(t, embeddings.length + i * slicVit.dim);
  const results = await slicVit.localize(image, queries);
  return { label: "region and text embeddings", values, boxes: results.map((r) => r.boxes) };
}

/**
 * RegionCLIP: the region–class cosines of every proposal (to the vocabulary, then to each query's class) and the
 * boxes per query. The RPN runs in float32 at every precision, so the proposals, and the rows, are the same.
 */
async function regionClipOutputs(
  localizer: Localizer,
  image: PreparedImage,
  queries: readonly string[],
): Promise<ProbeOutputs> {
  if (!(localizer instanceof RegionClipLocalizer)) throw new TypeError("expected a RegionClipLocalizer");
  const evidence = await localizer.encodeImage(image);
  const { dim, unitFeatures, vocabularyCosines, vocabularySize } = evidence;
  const rows = unitFeatures.length / dim;
  const values = new Float32Array(vocabularyCosines.length + queries.length * rows);
  values.set(vocabularyCosines);
  const boxes: (readonly BoxXyxy[])[] = [];
  for (const [q, query] of queries.entries()) {
    const queryClass = await localizer.queryClass(query);
    const offset = vocabularyCosines.length + q * rows;
    if ("vocabularyIndex" in queryClass) {
      for (let r = 0; r < rows; r++)
        values[offset + r] = vocabularyCosines[r * vocabularySize + queryClass.vocabularyIndex];
    } else {
      values.set(cosines(unitFeatures, unitRows(queryClass.embedding, dim), dim), offset);
    }
    boxes.push((await localizer.localizeEncoded(evidence, query)).boxes);
  }
  return { label: "region–class cosines", values, boxes };
}

export const FAMILY_PROBES: Readonly<Record<ModelFamily, FamilyProbe>> = {
  smoke: {
    model: () => ({
      spec: { family: "smoke", seed: SEED },
      description: `${describeClip(SMOKE_CLIP_CONFIG)}; byte-level tokenizer (the smoke model, both sizes)`,
    }),
    outputs: clipOutputs,
  },
  slicvit: {
    model(dir, size, vocab) {
      const config = size === "full" ? CLIP_B16_CONFIG : CLIP_DEFAULT;
      mkdirSync(dir, { recursive: true });
      const weights = join(dir, `slicvit-${size}.safetensors`);
      writeSafetensors(weights, randomClipTensors(config, SEED));
      const configPath = join(dir, `slicvit-${size}.json`);
      writeFileSync(configPath, JSON.stringify(clipConfigToJson(config)));
      return {
        spec: { family: "slicvit", weights, config: configPath, vocab, name: `doctor-slicvit-${size}` },
        description: `${describeClip(config)}${size === "full" ? " (ViT-B/16's size)" : ""}`,
      };
    },
    outputs: clipOutputs,
  },
  owlvit: {
    model(dir, size, vocab) {
      const owlSize = size === "full" ? OWLVIT_B32_SIZE : OWLVIT_DEFAULT;
      mkdirSync(dir, { recursive: true });
      const files = writeRandomOwlVit(dir, `owlvit-${size}`, owlSize, SEED);
      const s = owlSize;
      return {
        spec: { family: "owlvit", ...files, vocab, name: `doctor-owlvit-${size}` },
        description:
          `random OWL-ViT (seed ${SEED}), ${s.imageSize} px, patch ${s.patchSize}, vision ${s.visionWidth} × ` +
          `${s.visionLayers} layers; text ${s.textWidth} × ${s.textLayers}${size === "full" ? " (B/32's size)" : ""}`,
      };
    },
    async outputs(localizer, image, queries) {
      if (!(localizer instanceof OwlVitLocalizer)) throw new TypeError("expected an OwlVitLocalizer");
      const detections = await localizer.detect(image, queries);
      const results = await localizer.localize(image, queries);
      return { label: "class logits", values: detections.logits, boxes: results.map((r) => r.boxes) };
    },
  },
  regionclip: {
    model(dir, size, vocab) {
      const rcSize = size === "full" ? REGIONCLIP_RN50_SIZE : REGIONCLIP_DEFAULT;
      const proposals = REGIONCLIP_PROPOSALS[size];
      mkdirSync(dir, { recursive: true });
      const weights = join(dir, `regionclip-${size}.safetensors`);
      const parameters = writeRandomRegionClip(weights, rcSize, SEED);
      const classNames = join(dir, "regionclip-classes.txt");
      writeFileSync(classNames, `${REGIONCLIP_CLASSES.join("\n")}\n`);
      const s = rcSize;
      return {
        spec: {
          family: "regionclip",
          weights,
          classNames,
          vocab,
          name: `doctor-regionclip-${size}`,
          options: { proposals },
        },
        description:
          `random RegionCLIP (seed ${SEED}, ${(parameters / 1e6).toFixed(1)} M parameters), CLIP ResNet 3-4-6-3 ` +
          `width ${s.clipWidth} (D ${s.embedDim}); R50-FPN stem ${s.rpnStem}, FPN ${s.fpnChannels}; text ` +
          `${s.textWidth} × ${s.textLayers}; ${proposals} proposals, ${REGIONCLIP_CLASSES.length} classes` +
          `${size === "full" ? " (RN50's size)" : ""}`,
      };
    },
    outputs: regionClipOutputs,
  },
};
