/**
 * Random CLIP weights from a seed (OpenAI parameter names): the smoke model, the `models smoke` command and the
 * benchmark's ViT-B/16-sized model. Scales follow CLIP's `initialize_parameters`; the scores mean nothing.
 * ClipConfig + seed → named float32 tensors.
 */
import { invalidOption } from "../../errors.js";
import { seededUniform } from "../../seeded-uniform.js";
import type { ClipConfig } from "../clip/config.js";
import type { SafetensorsTensor } from "../weights/safetensors-writer.js";
import { randomTensor } from "./random-tensor.js";

/** The smoke model's size: tiny, so runner tests finish quickly; 224 px input like the real model. */
export const SMOKE_CLIP_CONFIG: ClipConfig = Object.freeze({
  embedDim: 32,
  imageResolution: 224,
  visionLayers: 2,
  visionWidth: 32,
  visionPatchSize: 14,
  visionHeads: 2,
  contextLength: 77,
  vocabSize: 49408,
  transformerWidth: 32,
  transformerHeads: 2,
  transformerLayers: 1,
});

/** A ViT-B/16-sized CLIP: vision 768 × 12, patch 16; text 512 × 12; 150 M parameters (the bench's and the doctor's). */
export const CLIP_B16_CONFIG: ClipConfig = Object.freeze({
  embedDim: 512,
  imageResolution: 224,
  visionLayers: 12,
  visionWidth: 768,
  visionPatchSize: 16,
  visionHeads: 12,
  contextLength: 77,
  vocabSize: 49408,
  transformerWidth: 512,
  transformerHeads: 8,
  transformerLayers: 12,
});

/** Checks a seed: an integer in [0, 2³²). */
export function checkSeed(seed: unknown, name = "seed"): number {
  if (!Number.isInteger(seed) || (seed as number) < 0 || (seed as number) > 0xffffffff)
    throw invalidOption(name, "an integer in [0, 4294967295]", seed);
  return seed as number;
}

/**
 * Every tensor of a CLIP with `config`, drawn from `seed`.
 * @example const tensors = randomClipTensors(SMOKE_CLIP_CONFIG, 0); // { "visual.conv1.weight": ..., ... }
 */
export function randomClipTensors(config: ClipConfig, seed: number): Record<string, SafetensorsTensor> {
  const next = seededUniform(seed);
  const tensors: Record<string, SafetensorsTensor> = {};
  const random = (name: string, shape: number[], std: number) => {
    tensors[name] = randomTensor(next, shape, std);
  };
  const constant = (name: string, shape: number[], value: number) => {
    tensors[name] = { shape, data: new Float32Array(shape.reduce((a, d) => a * d, 1)).fill(value) };
  };
  const blocks = (prefix: string, width: number, layers: number) => {
    const attnStd = width ** -0.5;
    const projStd = attnStd * (2 * layers) ** -0.5;
    const fcStd = (2 * width) ** -0.5;
    for (let i = 0; i < layers; i++) {
      const p = `${prefix}.resblocks.${i}`;
      random(`${p}.attn.in_proj_weight`, [3 * width, width], attnStd);
      constant(`${p}.attn.in_proj_bias`, [3 * width], 0);
      random(`${p}.attn.out_proj.weight`, [width, width], projStd);
      constant(`${p}.attn.out_proj.bias`, [width], 0);
      constant(`${p}.ln_1.weight`, [width], 1);
      constant(`${p}.ln_1.bias`, [width], 0);
      random(`${p}.mlp.c_fc.weight`, [4 * width, width], fcStd);
      constant(`${p}.mlp.c_fc.bias`, [4 * width], 0);
      random(`${p}.mlp.c_proj.weight`, [width, 4 * width], projStd);
      constant(`${p}.mlp.c_proj.bias`, [width], 0);
      constant(`${p}.ln_2.weight`, [width], 1);
      constant(`${p}.ln_2.bias`, [width], 0);
    }
  };
  const c = config;
  const grid = c.imageResolution / c.visionPatchSize;
  const vScale = c.visionWidth ** -0.5;
  random(
    "visual.conv1.weight",
    [c.visionWidth, 3, c.visionPatchSize, c.visionPatchSize],
    (3 * c.visionPatchSize ** 2) ** -0.5,
  );
  random("visual.class_embedding", [c.visionWidth], vScale);
  random("visual.positional_embedding", [grid * grid + 1, c.visionWidth], vScale);
  constant("visual.ln_pre.weight", [c.visionWidth], 1);
  constant("visual.ln_pre.bias", [c.visionWidth], 0);
  blocks("visual.transformer", c.visionWidth, c.visionLayers);
  constant("visual.ln_post.weight", [c.visionWidth], 1);
  constant("visual.ln_post.bias", [c.visionWidth], 0);
  random("visual.proj", [c.visionWidth, c.embedDim], vScale);
  random("token_embedding.weight", [c.vocabSize, c.transformerWidth], 0.02);
  random("positional_embedding", [c.contextLength, c.transformerWidth], 0.01);
  blocks("transformer", c.transformerWidth, c.transformerLayers);
  constant("ln_final.weight", [c.transformerWidth], 1);
  constant("ln_final.bias", [c.transformerWidth], 0);
  random("text_projection", [c.transformerWidth, c.embedDim], c.transformerWidth ** -0.5);
  // ln(1 / 0.07) in float32, CLIP's initial logit scale (unused by SLICViT).
  constant("logit_scale", [], 2.6592600345611572);
  return tensors;
}
