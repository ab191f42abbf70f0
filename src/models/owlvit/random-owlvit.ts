/**
 * A seeded random OWL-ViT (Hugging Face parameter names) of any size, written as `model.safetensors` + its
 * `config.json`: the benchmark's B/32-sized model and `gritloc doctor`'s probe model. Scores mean nothing.
 * Sizes + seed → files.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { seededUniform } from "../../seeded-uniform.js";
import { randomTensor } from "../smoke/random-tensor.js";
import { type SafetensorsTensor, writeSafetensors } from "../weights/safetensors-writer.js";

/** The sizes a random OWL-ViT is drawn with (text width = projection width, as in every released model). */
export interface RandomOwlVitSize {
  readonly visionWidth: number;
  readonly visionLayers: number;
  readonly visionHeads: number;
  readonly imageSize: number;
  readonly patchSize: number;
  readonly textWidth: number;
  readonly textLayers: number;
  readonly textHeads: number;
}

/** OWL-ViT B/32: 768 px, patch 32, vision 768 × 12, text 512 × 12, projection 512 (~150 M parameters). */
export const OWLVIT_B32_SIZE: RandomOwlVitSize = Object.freeze({
  visionWidth: 768,
  visionLayers: 12,
  visionHeads: 12,
  imageSize: 768,
  patchSize: 32,
  textWidth: 512,
  textLayers: 12,
  textHeads: 8,
});

/** Every tensor of an `OwlViTForObjectDetection` with `size`, drawn from `seed`. */
export function randomOwlVitTensors(size: RandomOwlVitSize, seed: number): Record<string, SafetensorsTensor> {
  const next = seededUniform(seed);
  const tensors: Record<string, SafetensorsTensor> = {};
  const put = (name: string, shape: number[], std: number) => {
    tensors[name] = randomTensor(next, shape, std);
  };
  const ones = (name: string, n: number) => {
    tensors[name] = { shape: [n], data: new Float32Array(n).fill(1) };
  };
  const zeros = (name: string, n: number) => {
    tensors[name] = { shape: [n], data: new Float32Array(n) };
  };
  const dense = (prefix: string, inp: number, out: number, bias = true) => {
    put(`${prefix}.weight`, [out, inp], inp ** -0.5);
    if (bias) zeros(`${prefix}.bias`, out);
  };
  const norm = (prefix: string, n: number) => {
    ones(`${prefix}.weight`, n);
    zeros(`${prefix}.bias`, n);
  };
  const encoder = (prefix: string, width: number, layers: number) => {
    for (let i = 0; i < layers; i++) {
      const l = `${prefix}.encoder.layers.${i}`;
      for (const p of ["q_proj", "k_proj", "v_proj", "out_proj"]) dense(`${l}.self_attn.${p}`, width, width);
      norm(`${l}.layer_norm1`, width);
      norm(`${l}.layer_norm2`, width);
      dense(`${l}.mlp.fc1`, width, 4 * width);
      dense(`${l}.mlp.fc2`, 4 * width, width);
    }
  };
  const { visionWidth: vw, textWidth: tw, patchSize: patch } = size;
  const grid = size.imageSize / patch;
  put("owlvit.text_model.embeddings.token_embedding.weight", [49408, tw], 0.02);
  put("owlvit.text_model.embeddings.position_embedding.weight", [16, tw], 0.01);
  encoder("owlvit.text_model", tw, size.textLayers);
  norm("owlvit.text_model.final_layer_norm", tw);
  dense("owlvit.text_projection", tw, tw, false);
  put("owlvit.vision_model.embeddings.patch_embedding.weight", [vw, 3, patch, patch], 0.02);
  put("owlvit.vision_model.embeddings.class_embedding", [vw], vw ** -0.5);
  put("owlvit.vision_model.embeddings.position_embedding.weight", [grid * grid + 1, vw], 0.02);
  norm("owlvit.vision_model.pre_layernorm", vw);
  encoder("owlvit.vision_model", vw, size.visionLayers);
  norm("owlvit.vision_model.post_layernorm", vw);
  norm("layer_norm", vw);
  dense("class_head.dense0", vw, tw);
  dense("class_head.logit_shift", vw, 1);
  dense("class_head.logit_scale", vw, 1);
  dense("box_head.dense0", vw, vw);
  dense("box_head.dense1", vw, vw);
  dense("box_head.dense2", vw, 4);
  return tensors;
}

/**
 * Writes `<name>.safetensors` and `<name>-config.json` into `dir`; returns their paths.
 * @example const { weights, config } = writeRandomOwlVit(dir, "b32", OWLVIT_B32_SIZE, 0);
 */
export function writeRandomOwlVit(
  dir: string,
  name: string,
  size: RandomOwlVitSize,
  seed: number,
): { weights: string; config: string } {
  const weights = join(dir, `${name}.safetensors`);
  writeSafetensors(weights, randomOwlVitTensors(size, seed));
  const config = join(dir, `${name}-config.json`);
  const encoder = (width: number, layers: number, heads: number) => ({
    hidden_size: width,
    intermediate_size: 4 * width,
    num_hidden_layers: layers,
    num_attention_heads: heads,
  });
  writeFileSync(
    config,
    JSON.stringify({
      model_type: "owlvit",
      projection_dim: size.textWidth,
      text_config: encoder(size.textWidth, size.textLayers, size.textHeads),
      vision_config: {
        ...encoder(size.visionWidth, size.visionLayers, size.visionHeads),
        image_size: size.imageSize,
        patch_size: size.patchSize,
      },
    }),
  );
  return { weights, config };
}
