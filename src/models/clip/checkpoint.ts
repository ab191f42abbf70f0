/**
 * Opening a CLIP checkpoint: safetensors file (OpenAI or Hugging Face names) + optional config JSON →
 * weight reader, resolved config, name set and identity hash, all checked before any graph is built.
 */
import { createHash } from "node:crypto";
import { GritlocError } from "../../errors.js";
import type { WeightReader } from "../../onnx/nn/context.js";
import { fileSha256 } from "../weights/file-identity.js";
import { SafetensorsFile } from "../weights/safetensors-reader.js";
import type { SafetensorsTensor } from "../weights/safetensors-writer.js";
import { type ClipConfig, checkClipWeights, inferClipConfig, readClipConfigFile } from "./config.js";
import { type ClipNames, clipNames, detectClipNaming } from "./weight-names.js";

export interface ClipCheckpoint {
  readonly path: string;
  readonly weights: WeightReader;
  readonly config: ClipConfig;
  readonly names: ClipNames;
  /** sha256 of the weights file. */
  readonly sha256: string;
  /** Total number of parameters the graphs use. */
  readonly parameterCount: number;
  close(): void;
}

/** A WeightReader over an open safetensors file. */
export function safetensorsWeightReader(file: SafetensorsFile): WeightReader {
  return {
    has: (name) => file.entries.has(name),
    shape: (name) => file.entry(name).shape,
    read: (name) => file.readFloat32(name),
  };
}

export interface OpenClipOptions {
  /** Path of a JSON config with CLIP constructor argument names; its values override the inferred ones. */
  readonly configPath?: string;
  /** Overrides applied last (e.g. from a ModelSpec). */
  readonly config?: Partial<ClipConfig>;
}

/**
 * Opens and validates a CLIP checkpoint.
 * @throws GritlocError E_NOT_FOUND (missing file) or E_WEIGHTS_INVALID naming the file and tensor.
 */
export async function openClipCheckpoint(
  path: string,
  options: OpenClipOptions = {},
): Promise<ClipCheckpoint> {
  const file = SafetensorsFile.open(path);
  try {
    const tensorNames = [...file.entries.keys()];
    const naming = detectClipNaming(tensorNames);
    if (naming === undefined) {
      throw new GritlocError(
        "E_WEIGHTS_INVALID",
        `${path}: not a CLIP checkpoint: found neither "visual.conv1.weight" (OpenAI names) nor ` +
          `"vision_model.embeddings.patch_embedding.weight" (Hugging Face names); first tensors: ` +
          `${tensorNames.slice(0, 5).join(", ")}`,
      );
    }
    const weights = safetensorsWeightReader(file);
    const config: ClipConfig = {
      ...inferClipConfig(weights, tensorNames, naming),
      ...(options.configPath === undefined ? {} : readClipConfigFile(options.configPath)),
      ...options.config,
    };
    const names = clipNames(naming, config.transformerLayers, config.visionLayers);
    checkClipWeights(weights, path, config, names);
    const sha256 = await fileSha256(path);
    let parameterCount = 0;
    for (const entry of file.entries.values()) {
      if (!entry.name.endsWith("position_ids")) parameterCount += entry.shape.reduce((a, d) => a * d, 1);
    }
    return { path, weights, config, names, sha256, parameterCount, close: () => file.close() };
  } catch (error) {
    file.close();
    throw error;
  }
}

/**
 * A checkpoint held in memory (OpenAI names), e.g. the smoke model's random weights; its identity is the
 * sha256 of the names, shapes and bytes.
 */
export function clipCheckpointFromTensors(
  tensors: Readonly<Record<string, SafetensorsTensor>>,
  config: ClipConfig,
  label: string,
): ClipCheckpoint {
  const hash = createHash("sha256");
  let parameterCount = 0;
  for (const [name, t] of Object.entries(tensors)) {
    hash.update(`${name}:${t.shape.join(",")};`);
    hash.update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    parameterCount += t.data.length;
  }
  const entry = (name: string) => {
    const t = tensors[name];
    if (t === undefined) throw new GritlocError("E_WEIGHTS_INVALID", `${label}: tensor "${name}": missing`);
    return t;
  };
  const weights: WeightReader = {
    has: (name) => Object.hasOwn(tensors, name),
    shape: (name) => entry(name).shape,
    read: (name) => entry(name).data,
  };
  const names = clipNames("openai", config.transformerLayers, config.visionLayers);
  checkClipWeights(weights, label, config, names);
  return { path: label, weights, config, names, sha256: hash.digest("hex"), parameterCount, close: () => {} };
}
