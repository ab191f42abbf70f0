/**
 * Where each CLIP parameter lives in a checkpoint: OpenAI names (`clip/model.py` state dict, fused
 * `attn.in_proj_weight`) or Hugging Face names (`CLIPModel` safetensors, separate q/k/v). The graph builders
 * take these name sets, so the same transformer code serves both layouts (and OWL-ViT's).
 */
import {
  type BlockNames,
  type LayerNormNames,
  type LinearNames,
  layerNormNames,
  linearNames,
} from "../../onnx/nn/names.js";

export type ClipNaming = "openai" | "huggingface";

export interface ClipTextNames {
  readonly tokenEmbedding: string;
  readonly positionalEmbedding: string;
  readonly blocks: readonly BlockNames[];
  readonly lnFinal: LayerNormNames;
  readonly projection: LinearNames;
}

export interface ClipVisionNames {
  /** Patch embedding conv weight [width, 3, patch, patch] (no bias in CLIP). */
  readonly conv1: string;
  readonly classEmbedding: string;
  readonly positionalEmbedding: string;
  readonly lnPre: LayerNormNames;
  readonly blocks: readonly BlockNames[];
  readonly lnPost: LayerNormNames;
  readonly projection: LinearNames;
}

export interface ClipNames {
  readonly naming: ClipNaming;
  readonly text: ClipTextNames;
  readonly vision: ClipVisionNames;
}

const ln = layerNormNames;
const linear = linearNames;

function openAiBlock(prefix: string): BlockNames {
  return {
    ln1: ln(`${prefix}.ln_1`),
    attention: { qkv: { weight: `${prefix}.attn.in_proj_weight`, bias: `${prefix}.attn.in_proj_bias` } },
    out: linear(`${prefix}.attn.out_proj`),
    ln2: ln(`${prefix}.ln_2`),
    fc: linear(`${prefix}.mlp.c_fc`),
    proj: linear(`${prefix}.mlp.c_proj`),
  };
}

/** One Hugging Face `CLIPEncoderLayer` (OWL-ViT's `OwlViTEncoderLayer` has the same names). */
function hfEncoderLayer(prefix: string): BlockNames {
  return {
    ln1: ln(`${prefix}.layer_norm1`),
    attention: {
      q: linear(`${prefix}.self_attn.q_proj`),
      k: linear(`${prefix}.self_attn.k_proj`),
      v: linear(`${prefix}.self_attn.v_proj`),
    },
    out: linear(`${prefix}.self_attn.out_proj`),
    ln2: ln(`${prefix}.layer_norm2`),
    fc: linear(`${prefix}.mlp.fc1`),
    proj: linear(`${prefix}.mlp.fc2`),
  };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** The `count` encoder layers of a Hugging Face CLIP-style tower: `<tower>.encoder.layers.<i>.*`. */
export function hfEncoderLayers(tower: string, count: number): BlockNames[] {
  return range(count).map((i) => hfEncoderLayer(`${tower}.encoder.layers.${i}`));
}

/** OpenAI `clip/model.py` state-dict names. */
export function openAiClipNames(textLayers: number, visionLayers: number): ClipNames {
  return {
    naming: "openai",
    text: {
      tokenEmbedding: "token_embedding.weight",
      positionalEmbedding: "positional_embedding",
      blocks: range(textLayers).map((i) => openAiBlock(`transformer.resblocks.${i}`)),
      lnFinal: ln("ln_final"),
      // A plain matrix used as `x @ text_projection`: [width, embed].
      projection: { weight: "text_projection", layout: "in_out" },
    },
    vision: {
      conv1: "visual.conv1.weight",
      classEmbedding: "visual.class_embedding",
      positionalEmbedding: "visual.positional_embedding",
      lnPre: ln("visual.ln_pre"),
      blocks: range(visionLayers).map((i) => openAiBlock(`visual.transformer.resblocks.${i}`)),
      lnPost: ln("visual.ln_post"),
      projection: { weight: "visual.proj", layout: "in_out" },
    },
  };
}

/** Hugging Face `CLIPModel` names (e.g. `openai/clip-vit-large-patch14` `model.safetensors`). */
export function huggingFaceClipNames(textLayers: number, visionLayers: number): ClipNames {
  return {
    naming: "huggingface",
    text: {
      tokenEmbedding: "text_model.embeddings.token_embedding.weight",
      positionalEmbedding: "text_model.embeddings.position_embedding.weight",
      blocks: hfEncoderLayers("text_model", textLayers),
      lnFinal: ln("text_model.final_layer_norm"),
      // nn.Linear(width, embed, bias=False): weight [embed, width].
      projection: { weight: "text_projection.weight" },
    },
    vision: {
      conv1: "vision_model.embeddings.patch_embedding.weight",
      classEmbedding: "vision_model.embeddings.class_embedding",
      positionalEmbedding: "vision_model.embeddings.position_embedding.weight",
      // "pre_layrnorm" is Hugging Face's spelling.
      lnPre: ln("vision_model.pre_layrnorm"),
      blocks: hfEncoderLayers("vision_model", visionLayers),
      lnPost: ln("vision_model.post_layernorm"),
      projection: { weight: "visual_projection.weight" },
    },
  };
}

/** Which layout a set of tensor names uses, or undefined when it is neither. */
export function detectClipNaming(names: Iterable<string>): ClipNaming | undefined {
  for (const name of names) {
    if (name === "visual.conv1.weight") return "openai";
    if (name === "vision_model.embeddings.patch_embedding.weight") return "huggingface";
  }
  return undefined;
}

/** Number of transformer blocks in a tower, counted from the names present. */
export function countLayers(names: Iterable<string>, pattern: RegExp): number {
  let count = 0;
  for (const name of names) {
    const m = pattern.exec(name);
    if (m) count = Math.max(count, Number(m[1]) + 1);
  }
  return count;
}

/** Name patterns whose first group is the block index, per naming and tower. */
export const LAYER_PATTERNS: Readonly<Record<ClipNaming, { text: RegExp; vision: RegExp }>> = {
  openai: { text: /^transformer\.resblocks\.(\d+)\./, vision: /^visual\.transformer\.resblocks\.(\d+)\./ },
  huggingface: {
    text: /^text_model\.encoder\.layers\.(\d+)\./,
    vision: /^vision_model\.encoder\.layers\.(\d+)\./,
  },
};

/** The name set for a naming, sized by layer counts. */
export function clipNames(naming: ClipNaming, textLayers: number, visionLayers: number): ClipNames {
  return naming === "openai"
    ? openAiClipNames(textLayers, visionLayers)
    : huggingFaceClipNames(textLayers, visionLayers);
}
