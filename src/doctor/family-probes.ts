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
};
