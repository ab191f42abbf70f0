/**
 * `gritloc models smoke`: writes the smoke model's random CLIP as a real checkpoint (safetensors with OpenAI
 * names + config JSON with CLIP's constructor argument names), usable with `--model slicvit --weights ...`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type ClipConfig, clipConfigToJson } from "../clip/config.js";
import { writeSafetensors } from "../weights/safetensors-writer.js";
import { checkSeed, randomClipTensors, SMOKE_CLIP_CONFIG } from "./random-clip.js";

export interface WrittenSmokeModel {
  readonly weights: string;
  readonly config: string;
  readonly seed: number;
  readonly parameterCount: number;
}

/**
 * Writes `smoke-clip-seed<seed>.safetensors` and `.json` into `dir`.
 * @example const files = writeSmokeModel("models", 0); // files.weights ends with smoke-clip-seed0.safetensors
 */
export function writeSmokeModel(
  dir: string,
  seed = 0,
  config: ClipConfig = SMOKE_CLIP_CONFIG,
): WrittenSmokeModel {
  checkSeed(seed);
  const tensors = randomClipTensors(config, seed);
  mkdirSync(dir, { recursive: true });
  const base = join(resolve(dir), `smoke-clip-seed${seed}`);
  writeSafetensors(`${base}.safetensors`, tensors, {
    gritloc: `random CLIP, seed ${seed}: NOT a trained model`,
  });
  writeFileSync(`${base}.json`, `${JSON.stringify(clipConfigToJson(config), null, 2)}\n`);
  const parameterCount = Object.values(tensors).reduce((n, t) => n + t.data.length, 0);
  return { weights: `${base}.safetensors`, config: `${base}.json`, seed, parameterCount };
}
