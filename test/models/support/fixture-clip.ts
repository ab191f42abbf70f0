/**
 * Test support: the small random CLIP of a `slicvit*` fixture folder (weights/*.f32, one file per OpenAI
 * parameter) written as a safetensors checkpoint, with OpenAI names or renamed to Hugging Face names
 * (q/k/v split, projections transposed), plus its config JSON (CLIP constructor argument names).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SafetensorsTensor } from "../../../src/models/weights/safetensors-writer.js";
import { writeSafetensors } from "../../../src/models/weights/safetensors-writer.js";
import { readF32, readFixtureJson } from "../../support/fixtures.js";

interface WeightsManifest {
  files: { name: string; param: string; shape: number[] }[];
}

export interface SlicVitCases {
  model: { clip_config: Record<string, number>; vision_heads: number; seed: number };
  images: {
    name: string;
    orig_image: string;
    orig_hw: [number, number];
    M: number;
    queries: {
      index: number;
      query: string;
      text_features: string;
      logits: string;
      heatmap: string;
      box_224: number[];
      bbox_orig: number[];
    }[];
  }[];
}

/** The fixture model's tensors by OpenAI parameter name. */
export function fixtureTensors(folder = "slicvit"): Record<string, SafetensorsTensor> {
  const manifest = readFixtureJson<WeightsManifest>(folder, "weights", "manifest.json");
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const f of manifest.files)
    tensors[f.param] = { shape: f.shape, data: readF32(folder, "weights", f.name) };
  return tensors;
}

function transposed(t: SafetensorsTensor): SafetensorsTensor {
  const [rows, cols] = t.shape;
  const data = new Float32Array(t.data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data[c * rows + r] = t.data[r * cols + c];
  return { shape: [cols, rows], data };
}

/** The same tensors under Hugging Face `CLIPModel` names. */
export function toHuggingFaceNames(
  openai: Record<string, SafetensorsTensor>,
): Record<string, SafetensorsTensor> {
  const out: Record<string, SafetensorsTensor> = {};
  const block = (from: string, to: string) => {
    const inW = openai[`${from}.attn.in_proj_weight`];
    const inB = openai[`${from}.attn.in_proj_bias`];
    const w = inW.shape[1];
    for (const [i, p] of ["q", "k", "v"].entries()) {
      out[`${to}.self_attn.${p}_proj.weight`] = {
        shape: [w, w],
        data: inW.data.slice(i * w * w, (i + 1) * w * w),
      };
      out[`${to}.self_attn.${p}_proj.bias`] = { shape: [w], data: inB.data.slice(i * w, (i + 1) * w) };
    }
    const same: [string, string][] = [
      ["attn.out_proj", "self_attn.out_proj"],
      ["ln_1", "layer_norm1"],
      ["ln_2", "layer_norm2"],
      ["mlp.c_fc", "mlp.fc1"],
      ["mlp.c_proj", "mlp.fc2"],
    ];
    for (const [a, b] of same) {
      out[`${to}.${b}.weight`] = openai[`${from}.${a}.weight`];
      out[`${to}.${b}.bias`] = openai[`${from}.${a}.bias`];
    }
  };
  for (const name of Object.keys(openai)) {
    const t = /^transformer\.resblocks\.(\d+)\.attn\.in_proj_weight$/.exec(name);
    if (t) block(`transformer.resblocks.${t[1]}`, `text_model.encoder.layers.${t[1]}`);
    const v = /^visual\.transformer\.resblocks\.(\d+)\.attn\.in_proj_weight$/.exec(name);
    if (v) block(`visual.transformer.resblocks.${v[1]}`, `vision_model.encoder.layers.${v[1]}`);
  }
  out["text_model.embeddings.token_embedding.weight"] = openai["token_embedding.weight"];
  out["text_model.embeddings.position_embedding.weight"] = openai.positional_embedding;
  out["text_model.final_layer_norm.weight"] = openai["ln_final.weight"];
  out["text_model.final_layer_norm.bias"] = openai["ln_final.bias"];
  out["text_projection.weight"] = transposed(openai.text_projection);
  out["vision_model.embeddings.class_embedding"] = openai["visual.class_embedding"];
  out["vision_model.embeddings.patch_embedding.weight"] = openai["visual.conv1.weight"];
  out["vision_model.embeddings.position_embedding.weight"] = openai["visual.positional_embedding"];
  out["vision_model.pre_layrnorm.weight"] = openai["visual.ln_pre.weight"];
  out["vision_model.pre_layrnorm.bias"] = openai["visual.ln_pre.bias"];
  out["vision_model.post_layernorm.weight"] = openai["visual.ln_post.weight"];
  out["vision_model.post_layernorm.bias"] = openai["visual.ln_post.bias"];
  out["visual_projection.weight"] = transposed(openai["visual.proj"]);
  out.logit_scale = openai.logit_scale;
  return out;
}

/** The fixture's cases.json. */
export function slicVitCases(folder = "slicvit"): SlicVitCases {
  return readFixtureJson<SlicVitCases>(folder, "cases.json");
}

/** The config JSON object (CLIP constructor names + vision_heads) of a fixture model. */
export function fixtureConfigJson(folder = "slicvit"): Record<string, number> {
  const { model } = slicVitCases(folder);
  return { ...model.clip_config, vision_heads: model.vision_heads };
}

/** Writes `<dir>/clip.safetensors` (+ `clip.json` config) from a fixture folder; returns both paths. */
export function writeFixtureCheckpoint(
  dir: string,
  options: { folder?: string; naming?: "openai" | "huggingface"; dtype?: "F32" | "F16" | "BF16" } = {},
): { weights: string; config: string } {
  const folder = options.folder ?? "slicvit";
  let tensors = fixtureTensors(folder);
  if (options.naming === "huggingface") tensors = toHuggingFaceNames(tensors);
  if (options.dtype !== undefined) {
    tensors = Object.fromEntries(
      Object.entries(tensors).map(([k, t]) => [k, { ...t, dtype: options.dtype }]),
    );
  }
  const base = join(dir, `clip-${options.naming ?? "openai"}`);
  writeSafetensors(`${base}.safetensors`, tensors);
  writeFileSync(`${base}.json`, JSON.stringify(fixtureConfigJson(folder)));
  return { weights: `${base}.safetensors`, config: `${base}.json` };
}
