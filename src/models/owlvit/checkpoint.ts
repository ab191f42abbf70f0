/**
 * Opening an OWL-ViT checkpoint: Hugging Face `OwlViTForObjectDetection` safetensors + its `config.json` →
 * weight reader, config, name sets and identity, every tensor the graphs read checked against the config
 * before any graph is built.
 */
import { GritlocError } from "../../errors.js";
import type { WeightReader } from "../../onnx/nn/context.js";
import type { BlockNames, LinearNames } from "../../onnx/nn/names.js";
import { fileSha256 } from "../weights/file-identity.js";
import { SafetensorsFile } from "../weights/safetensors-reader.js";
import { createShapeChecker, type ShapeChecker } from "../weights/shape-checker.js";
import { type OwlVitConfig, readOwlVitConfig } from "./config.js";
import { OWLVIT_MARKER_TENSOR, type OwlVitNames, owlVitNames } from "./weight-names.js";

export interface OwlVitCheckpoint {
  readonly path: string;
  readonly weights: WeightReader;
  readonly config: OwlVitConfig;
  readonly names: OwlVitNames;
  /** sha256 of the weights file. */
  readonly sha256: string;
  /** Parameters in the file (int64 `position_ids` buffers excluded). */
  readonly parameterCount: number;
  close(): void;
}

function weightsError(path: string, problem: string): GritlocError {
  return new GritlocError(
    "E_WEIGHTS_INVALID",
    `${path}: ${problem}. Check that weights and config.json come from the same OWL-ViT checkpoint.`,
  );
}

function expectLayer(check: ShapeChecker, block: BlockNames, width: number, mlp: number): void {
  for (const ln of [block.ln1, block.ln2]) {
    check.tensor(ln.weight, [width]);
    check.tensor(ln.bias, [width]);
  }
  // OWL-ViT name sets always use separate q/k/v projections (weight-names.ts).
  const { q, k, v } = block.attention as { q: LinearNames; k: LinearNames; v: LinearNames };
  for (const p of [q, k, v, block.out]) {
    check.linear(p, width, width);
  }
  check.linear(block.fc, width, mlp);
  check.linear(block.proj, mlp, width);
}

/** Checks every tensor the graphs read. @throws GritlocError E_WEIGHTS_INVALID naming the first bad tensor. */
export function checkOwlVitWeights(
  weights: WeightReader,
  path: string,
  config: OwlVitConfig,
  names: OwlVitNames,
): void {
  const { text: t, vision: v, projectionDim: e } = config;
  for (const [where, eps] of [
    ["text_config", t.layerNormEps],
    ["vision_config", v.layerNormEps],
  ] as const) {
    // The shared encoder layer uses LayerNorm eps 1e-5, which every released checkpoint has.
    if (eps !== 1e-5) throw weightsError(path, `${where}.layer_norm_eps ${eps} is not supported (only 1e-5)`);
  }
  const check = createShapeChecker(weights, {
    missing: (name) => weightsError(path, `tensor "${name}" is missing`),
    mismatch: (name, actual, expected) =>
      weightsError(
        path,
        `tensor "${name}" has shape [${actual.join(", ")}] but the config implies [${expected.join(", ")}]`,
      ),
  });
  const n = names;
  check.tensor(n.text.tokenEmbedding, [t.vocabSize, t.hiddenSize]);
  check.tensor(n.text.positionEmbedding, [t.maxPositionEmbeddings, t.hiddenSize]);
  for (const block of n.text.blocks) expectLayer(check, block, t.hiddenSize, t.intermediateSize);
  check.tensor(n.text.finalLayerNorm.weight, [t.hiddenSize]);
  check.linear(n.text.projection, t.hiddenSize, e);
  const grid = v.imageSize / v.patchSize;
  check.tensor(n.vision.patchEmbedding, [v.hiddenSize, 3, v.patchSize, v.patchSize]);
  check.tensor(n.vision.classEmbedding, [v.hiddenSize]);
  check.tensor(n.vision.positionEmbedding, [grid * grid + 1, v.hiddenSize]);
  for (const ln of [n.vision.preLayerNorm, n.vision.postLayerNorm, n.heads.layerNorm]) {
    check.tensor(ln.weight, [v.hiddenSize]);
    check.tensor(ln.bias, [v.hiddenSize]);
  }
  for (const block of n.vision.blocks) expectLayer(check, block, v.hiddenSize, v.intermediateSize);
  check.linear(n.heads.classDense0, v.hiddenSize, t.hiddenSize);
  check.linear(n.heads.logitShift, v.hiddenSize, 1);
  check.linear(n.heads.logitScale, v.hiddenSize, 1);
  check.linear(n.heads.boxDense0, v.hiddenSize, v.hiddenSize);
  check.linear(n.heads.boxDense1, v.hiddenSize, v.hiddenSize);
  check.linear(n.heads.boxDense2, v.hiddenSize, 4);
  const extraLayer = (prefix: string, count: number) =>
    `${prefix}.encoder.layers.${count}.layer_norm1.weight`;
  for (const [prefix, count, key] of [
    ["owlvit.text_model", t.numHiddenLayers, "text_config"],
    ["owlvit.vision_model", v.numHiddenLayers, "vision_config"],
  ] as const) {
    if (weights.has(extraLayer(prefix, count))) {
      throw weightsError(
        path,
        `the file has more than ${count} layers in ${prefix}; ${key}.num_hidden_layers is ${count}`,
      );
    }
  }
}

/** A WeightReader over an open safetensors file. */
function weightReader(file: SafetensorsFile): WeightReader {
  return {
    has: (name) => file.entries.has(name),
    shape: (name) => file.entry(name).shape,
    read: (name) => file.readFloat32(name),
  };
}

/**
 * Opens and validates a checkpoint.
 * @throws GritlocError E_NOT_FOUND (missing weights or config), E_WEIGHTS_INVALID naming the file and tensor.
 * @example const ckpt = await openOwlVitCheckpoint("model.safetensors", "config.json"); ckpt.config.vision.imageSize // 768
 */
export async function openOwlVitCheckpoint(
  weightsPath: string,
  configPath: string,
): Promise<OwlVitCheckpoint> {
  const config = readOwlVitConfig(configPath);
  const file = SafetensorsFile.open(weightsPath);
  try {
    if (!file.entries.has(OWLVIT_MARKER_TENSOR)) {
      const first = [...file.entries.keys()].slice(0, 5).join(", ");
      throw weightsError(
        weightsPath,
        `not an OwlViTForObjectDetection checkpoint with Hugging Face names: "${OWLVIT_MARKER_TENSOR}" is missing (first tensors: ${first})`,
      );
    }
    const weights = weightReader(file);
    const names = owlVitNames(config.text.numHiddenLayers, config.vision.numHiddenLayers);
    checkOwlVitWeights(weights, weightsPath, config, names);
    let parameterCount = 0;
    for (const entry of file.entries.values()) {
      if (!entry.name.endsWith("position_ids")) parameterCount += entry.shape.reduce((a, d) => a * d, 1);
    }
    const sha256 = await fileSha256(weightsPath);
    return { path: weightsPath, weights, config, names, sha256, parameterCount, close: () => file.close() };
  } catch (error) {
    file.close();
    throw error;
  }
}
