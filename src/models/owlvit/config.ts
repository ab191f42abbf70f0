/**
 * OWL-ViT hyper-parameters from a Hugging Face `config.json` (`OwlViTConfig` layout: `text_config`,
 * `vision_config`, `projection_dim`), with the defaults of upstream `configuration_owlvit.py` for missing keys.
 * config JSON text → OwlVitConfig (camelCase, checked).
 */
import { GritlocError } from "../../errors.js";
import { readConfigText } from "../weights/read-config-text.js";

export interface OwlVitTextConfig {
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly numHiddenLayers: number;
  readonly numAttentionHeads: number;
  /** Token row length (16 in every released checkpoint). */
  readonly maxPositionEmbeddings: number;
  readonly layerNormEps: number;
}

export interface OwlVitVisionConfig {
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly numHiddenLayers: number;
  readonly numAttentionHeads: number;
  /** Square input size the image is resized to (768 for B/32 and B/16, 840 for L/14). */
  readonly imageSize: number;
  readonly patchSize: number;
  readonly layerNormEps: number;
}

export interface OwlVitConfig {
  readonly text: OwlVitTextConfig;
  readonly vision: OwlVitVisionConfig;
  readonly projectionDim: number;
}

/** `configuration_owlvit.py` defaults (OwlViTTextConfig / OwlViTVisionConfig / OwlViTConfig). */
const TEXT_DEFAULTS: OwlVitTextConfig = {
  vocabSize: 49408,
  hiddenSize: 512,
  intermediateSize: 2048,
  numHiddenLayers: 12,
  numAttentionHeads: 8,
  maxPositionEmbeddings: 16,
  layerNormEps: 1e-5,
};
const VISION_DEFAULTS: OwlVitVisionConfig = {
  hiddenSize: 768,
  intermediateSize: 3072,
  numHiddenLayers: 12,
  numAttentionHeads: 12,
  imageSize: 768,
  patchSize: 32,
  layerNormEps: 1e-5,
};
const PROJECTION_DIM_DEFAULT = 512;

/** JSON key → field, per section. */
const TEXT_KEYS: Readonly<Record<string, keyof OwlVitTextConfig>> = {
  vocab_size: "vocabSize",
  hidden_size: "hiddenSize",
  intermediate_size: "intermediateSize",
  num_hidden_layers: "numHiddenLayers",
  num_attention_heads: "numAttentionHeads",
  max_position_embeddings: "maxPositionEmbeddings",
  layer_norm_eps: "layerNormEps",
};
const VISION_KEYS: Readonly<Record<string, keyof OwlVitVisionConfig>> = {
  hidden_size: "hiddenSize",
  intermediate_size: "intermediateSize",
  num_hidden_layers: "numHiddenLayers",
  num_attention_heads: "numAttentionHeads",
  image_size: "imageSize",
  patch_size: "patchSize",
  layer_norm_eps: "layerNormEps",
};

function configError(path: string, problem: string): GritlocError {
  return new GritlocError(
    "E_WEIGHTS_INVALID",
    `${path}: ${problem}. Use the config.json that belongs to the OWL-ViT checkpoint (gritloc models fetch owlvit-b32).`,
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readSection<T extends object>(
  raw: Record<string, unknown>,
  keys: Readonly<Record<string, keyof T>>,
  defaults: T,
  where: string,
  path: string,
): T {
  const out: Record<string, number> = { ...(defaults as Record<string, number>) };
  for (const [key, field] of Object.entries(keys)) {
    if (!(key in raw) || raw[key] === null) continue;
    const value = raw[key];
    const isEps = field === "layerNormEps";
    const ok =
      typeof value === "number" && (isEps ? value > 0 && value < 1 : Number.isInteger(value) && value > 0);
    if (!ok) {
      throw configError(
        path,
        `${where}.${key} must be ${isEps ? "a number in (0, 1)" : "a positive integer"}, got ${JSON.stringify(value)}`,
      );
    }
    out[field as string] = value as number;
  }
  // The encoders' MLPs are built with quick_gelu, as every OWL-ViT v1 checkpoint uses.
  const act = raw.hidden_act;
  if (act !== undefined && act !== "quick_gelu") {
    throw configError(path, `${where}.hidden_act is ${JSON.stringify(act)}; only "quick_gelu" is supported`);
  }
  return out as T;
}

/**
 * Parses an OWL-ViT `config.json`. Sections may be called `text_config`/`vision_config` or, in older files,
 * `text_config_dict`/`vision_config_dict`; missing keys take upstream's defaults.
 * @throws GritlocError E_WEIGHTS_INVALID naming the file and key when a value is malformed or inconsistent.
 * @example parseOwlVitConfig(readFileSync("config.json", "utf8"), "config.json").vision.imageSize // 768
 */
export function parseOwlVitConfig(text: string, path: string): OwlVitConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw configError(path, `not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(raw)) throw configError(path, "the config must be a JSON object");
  if (raw.model_type !== undefined && raw.model_type !== "owlvit") {
    throw configError(path, `model_type is ${JSON.stringify(raw.model_type)}, expected "owlvit"`);
  }
  const section = (name: string): Record<string, unknown> => {
    const value = raw[name] ?? raw[`${name}_dict`] ?? {};
    if (!isObject(value)) throw configError(path, `${name} must be an object`);
    return value;
  };
  const text_ = readSection(section("text_config"), TEXT_KEYS, TEXT_DEFAULTS, "text_config", path);
  const vision = readSection(section("vision_config"), VISION_KEYS, VISION_DEFAULTS, "vision_config", path);
  const projectionDim = raw.projection_dim ?? PROJECTION_DIM_DEFAULT;
  if (!Number.isInteger(projectionDim) || (projectionDim as number) <= 0) {
    throw configError(
      path,
      `projection_dim must be a positive integer, got ${JSON.stringify(projectionDim)}`,
    );
  }
  const config: OwlVitConfig = { text: text_, vision, projectionDim: projectionDim as number };
  checkConsistency(config, path);
  return config;
}

function checkConsistency(c: OwlVitConfig, path: string): void {
  for (const [where, s] of [
    ["text_config", c.text],
    ["vision_config", c.vision],
  ] as const) {
    if (s.hiddenSize % s.numAttentionHeads !== 0) {
      throw configError(
        path,
        `${where}.hidden_size ${s.hiddenSize} is not divisible by num_attention_heads ${s.numAttentionHeads}`,
      );
    }
  }
  if (c.vision.imageSize % c.vision.patchSize !== 0) {
    throw configError(
      path,
      `vision_config.image_size ${c.vision.imageSize} is not a multiple of patch_size ${c.vision.patchSize}`,
    );
  }
  // The class head maps image features to text_config.hidden_size and takes dot products with the *projected*
  // text embeddings, so the two sizes must agree (they do in every released checkpoint).
  if (c.projectionDim !== c.text.hiddenSize) {
    throw configError(
      path,
      `projection_dim ${c.projectionDim} differs from text_config.hidden_size ${c.text.hiddenSize}`,
    );
  }
}

/**
 * Reads and parses a config file.
 * @throws GritlocError E_NOT_FOUND when it cannot be read, E_WEIGHTS_INVALID when it is malformed.
 */
export function readOwlVitConfig(path: string): OwlVitConfig {
  const nextStep = "Run `gritloc models fetch owlvit-b32` or pass the checkpoint's config.json.";
  return parseOwlVitConfig(readConfigText(path, "OWL-ViT config", nextStep), path);
}

/** Patches per side of the feature map (image_size / patch_size). */
export function gridSize(config: OwlVitConfig): number {
  return config.vision.imageSize / config.vision.patchSize;
}
