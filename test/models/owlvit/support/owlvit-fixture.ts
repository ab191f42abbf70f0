/**
 * Test support: every shared fixture folder shaped like `owlvit/` (name starting with "owlvit", holding
 * cases.json and weights/manifest.json), its tiny seeded model written as a Hugging Face-named safetensors
 * checkpoint next to its config.json, and its reference arrays.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { writeSafetensors } from "../../../../src/models/weights/safetensors-writer.js";
import type { PreparedImage } from "../../../../src/vision/prepare.js";
import { fixturePath, readF32, readFixtureJson, readI32, readU8 } from "../../../support/fixtures.js";

export interface OwlVitCases {
  image: string;
  image_size_wh: [number, number];
  target_sizes_hw: [number, number];
  queries: string[];
  grid: [number, number];
  num_patches: number;
  pixel_values_stats: { shape: number[]; sha256_f32le: string };
  post_process: { threshold: number; num_kept: number };
}

interface WeightsManifest {
  tensors: { name: string; file: string; shape: number[] }[];
}

/** Fixture folder names like "owlvit", "owlvit-heldout", ... (sorted). */
export function owlVitFixtureFolders(): string[] {
  const root = fixturePath();
  return readdirSync(root)
    .filter((name) => name.startsWith("owlvit"))
    .filter(
      (name) =>
        existsSync(join(root, name, "cases.json")) &&
        existsSync(join(root, name, "weights", "manifest.json")),
    )
    .sort();
}

/** The folder's cases.json. */
export function owlVitCases(folder: string): OwlVitCases {
  return readFixtureJson<OwlVitCases>(folder, "cases.json");
}

/** Writes the folder's weights as `<dir>/model.safetensors` (HF names, float32); returns the model files. */
export function writeOwlVitCheckpoint(
  folder: string,
  dir: string,
): { weights: string; config: string; vocab: string } {
  const manifest = readFixtureJson<WeightsManifest>(folder, "weights", "manifest.json");
  const tensors = Object.fromEntries(
    manifest.tensors.map((t) => [t.name, { shape: t.shape, data: readF32(folder, "weights", t.file) }]),
  );
  const weights = join(dir, "model.safetensors");
  writeSafetensors(weights, tensors);
  return {
    weights,
    config: fixturePath(folder, "config.json"),
    // OWL-ViT's tokenizer is CLIP's BPE; the clip fixture holds the merges file.
    vocab: fixturePath("clip", "bpe_simple_vocab_16e6.txt.gz"),
  };
}

/** The reference resize (`resized.u8`) as a PreparedImage with the source size from cases.json. */
export function fixturePreparedImage(folder: string): PreparedImage {
  const cases = owlVitCases(folder);
  const size = readFixtureJson<{ vision_config: { image_size: number } }>(folder, "config.json").vision_config
    .image_size;
  const [width, height] = cases.image_size_wh;
  return {
    sourceSize: { width, height },
    resized: { width: size, height: size, data: readU8(folder, "resized.u8") },
    labelMaps: [],
  };
}

export { readF32, readI32 };
