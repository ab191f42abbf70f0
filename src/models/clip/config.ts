/**
 * CLIP model hyper-parameters: inferred from a checkpoint's tensor shapes as `clip/model.py` `build_model`
 * does, optionally overridden by a JSON file using CLIP's constructor argument names (snake_case, as upstream
 * spells them: embed_dim, vision_width, transformer_heads, ...), then checked against every tensor shape.
 */
import { GritlocError } from "../../errors.js";
import type { WeightReader } from "../../onnx/nn/context.js";
import type { BlockNames } from "../../onnx/nn/names.js";
import { readConfigText } from "../weights/read-config-text.js";
import { createShapeChecker, type ShapeChecker } from "../weights/shape-checker.js";
import { type ClipNames, type ClipNaming, clipNames, countLayers, LAYER_PATTERNS } from "./weight-names.js";

export interface ClipConfig {
  readonly embedDim: number;
  readonly imageResolution: number;
  readonly visionLayers: number;
  readonly visionWidth: number;
  readonly visionPatchSize: number;
  /** `vision_width // 64` in CLIP; settable for checkpoints that differ. */
  readonly visionHeads: number;
  readonly contextLength: number;
  readonly vocabSize: number;
  readonly transformerWidth: number;
  readonly transformerHeads: number;
  readonly transformerLayers: number;
}

/** The config file's keys (CLIP constructor argument names) → ClipConfig fields. */
const CONFIG_KEYS: Readonly<Record<string, keyof ClipConfig>> = {
  embed_dim: "embedDim",
  image_resolution: "imageResolution",
  vision_layers: "visionLayers",
  vision_width: "visionWidth",
  vision_patch_size: "visionPatchSize",
  vision_heads: "visionHeads",
  context_length: "contextLength",
  vocab_size: "vocabSize",
  transformer_width: "transformerWidth",
  transformer_heads: "transformerHeads",
  transformer_layers: "transformerLayers",
};

/** Converts a ClipConfig to the JSON file form (CLIP's constructor argument names). */
export function clipConfigToJson(config: ClipConfig): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, field] of Object.entries(CONFIG_KEYS)) out[key] = config[field];
  return out;
}

function weightsError(path: string, problem: string): GritlocError {
  return new GritlocError("E_WEIGHTS_INVALID", `${path}: ${problem}`);
}

/**
 * Parses a CLIP config JSON (any subset of the constructor arguments, plus optional `vision_heads`).
 * @throws GritlocError E_WEIGHTS_INVALID naming the file and key for unknown keys or non-integer values.
 */
export function parseClipConfigJson(text: string, path: string): Partial<ClipConfig> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw weightsError(path, `config is not valid JSON (${(error as Error).message})`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw weightsError(path, "config must be a JSON object");
  const out: Partial<Record<keyof ClipConfig, number>> = {};
  for (const [key, value] of Object.entries(raw)) {
    const field = CONFIG_KEYS[key];
    if (field === undefined)
      throw weightsError(
        path,
        `unknown config key "${key}"; expected some of ${Object.keys(CONFIG_KEYS).join(", ")}`,
      );
    if (!Number.isInteger(value) || (value as number) <= 0)
      throw weightsError(
        path,
        `config key "${key}" must be a positive integer, got ${JSON.stringify(value)}`,
      );
    out[field] = value as number;
  }
  return out;
}

/** Reads and parses a config file. */
export function readClipConfigFile(path: string): Partial<ClipConfig> {
  return parseClipConfigJson(readConfigText(path, "CLIP config"), path);
}

/** Hyper-parameters from tensor shapes, as `build_model` infers them (heads = width / 64). */
export function inferClipConfig(
  weights: WeightReader,
  tensorNames: readonly string[],
  naming: ClipNaming,
): ClipConfig {
  const names = clipNames(naming, 0, 0);
  const conv = weights.shape(names.vision.conv1);
  const visionWidth = conv[0];
  const visionPatchSize = conv[conv.length - 1];
  const grid = Math.round(Math.sqrt(weights.shape(names.vision.positionalEmbedding)[0] - 1));
  const textProjection = weights.shape(names.text.projection.weight);
  const transformerWidth = weights.shape(names.text.lnFinal.weight)[0];
  return {
    embedDim: naming === "openai" ? textProjection[1] : textProjection[0],
    imageResolution: visionPatchSize * grid,
    visionLayers: countLayers(tensorNames, LAYER_PATTERNS[naming].vision),
    visionWidth,
    visionPatchSize,
    visionHeads: Math.max(1, Math.floor(visionWidth / 64)),
    contextLength: weights.shape(names.text.positionalEmbedding)[0],
    vocabSize: weights.shape(names.text.tokenEmbedding)[0],
    transformerWidth,
    transformerHeads: Math.max(1, Math.floor(transformerWidth / 64)),
    transformerLayers: countLayers(tensorNames, LAYER_PATTERNS[naming].text),
  };
}

function expectBlock(check: ShapeChecker, block: BlockNames, width: number): void {
  check.tensor(block.ln1.weight, [width]);
  check.tensor(block.ln1.bias, [width]);
  if ("qkv" in block.attention) check.linear(block.attention.qkv, width, 3 * width);
  else
    for (const p of [block.attention.q, block.attention.k, block.attention.v]) check.linear(p, width, width);
  check.linear(block.out, width, width);
  check.tensor(block.ln2.weight, [width]);
  check.tensor(block.ln2.bias, [width]);
  check.linear(block.fc, width, 4 * width);
  check.linear(block.proj, 4 * width, width);
}

/**
 * Checks every tensor the graphs will read against the config.
 * @throws GritlocError E_WEIGHTS_INVALID naming the file and the first tensor whose shape is wrong or missing.
 */
export function checkClipWeights(
  weights: WeightReader,
  path: string,
  config: ClipConfig,
  names: ClipNames,
): void {
  const c = config;
  for (const [width, heads, what] of [
    [c.transformerWidth, c.transformerHeads, "transformer"],
    [c.visionWidth, c.visionHeads, "vision"],
  ] as const) {
    if (width % heads !== 0)
      throw weightsError(path, `${what} width ${width} is not divisible by ${what} heads ${heads}`);
  }
  if (c.imageResolution % c.visionPatchSize !== 0)
    throw weightsError(
      path,
      `image_resolution ${c.imageResolution} is not a multiple of vision_patch_size ${c.visionPatchSize}`,
    );
  // A missing tensor is reported by the reader's own shape() error (E_WEIGHTS_INVALID naming file and tensor).
  const check = createShapeChecker(weights, {
    mismatch: (name, actual, expected) =>
      weightsError(
        path,
        `tensor "${name}" has shape [${actual.join(", ")}] but the config expects [${expected.join(", ")}]. ` +
          "Fix the --config values or use the checkpoint they describe",
      ),
  });
  const t = names.text;
  check.tensor(t.tokenEmbedding, [c.vocabSize, c.transformerWidth]);
  check.tensor(t.positionalEmbedding, [c.contextLength, c.transformerWidth]);
  for (const block of t.blocks) expectBlock(check, block, c.transformerWidth);
  check.tensor(t.lnFinal.weight, [c.transformerWidth]);
  check.tensor(t.lnFinal.bias, [c.transformerWidth]);
  check.linear(t.projection, c.transformerWidth, c.embedDim);
  const v = names.vision;
  const grid = c.imageResolution / c.visionPatchSize;
  check.tensor(v.conv1, [c.visionWidth, 3, c.visionPatchSize, c.visionPatchSize]);
  check.tensor(v.classEmbedding, [c.visionWidth]);
  check.tensor(v.positionalEmbedding, [grid * grid + 1, c.visionWidth]);
  check.tensor(v.lnPre.weight, [c.visionWidth]);
  for (const block of v.blocks) expectBlock(check, block, c.visionWidth);
  check.tensor(v.lnPost.weight, [c.visionWidth]);
  check.linear(v.projection, c.visionWidth, c.embedDim);
}
