/**
 * Model families by name: a JSON-serialisable ModelSpec + runtime options → a ready Localizer.
 * The runner, the CLI and notebooks create every model through `createLocalizer`.
 */
import { invalidOption } from "../errors.js";
import type { RuntimeOptions } from "../onnx/session.js";
import { openClipCheckpoint } from "./clip/checkpoint.js";
import { parseClipConfigJson } from "./clip/config.js";
import { loadClipTokenizer } from "./clip/text-tokenizer.js";
import type { Localizer } from "./localizer.js";
import { createOwlVitFromSpec, type OwlVitModelSpec } from "./owlvit/model-spec.js";
import { createRegionClipFromSpec, type RegionClipModelSpec } from "./regionclip/model-spec.js";
import { requireFilePath } from "./require-file-path.js";
import { SlicVitLocalizer } from "./slicvit/localizer.js";
import type { SlicVitOptions } from "./slicvit/options.js";
import { createSmokeLocalizer } from "./smoke/smoke-localizer.js";

/** SLICViT on a CLIP checkpoint (OpenAI or Hugging Face names). */
export interface SlicVitModelSpec {
  readonly family: "slicvit";
  /** A `.safetensors` CLIP checkpoint. */
  readonly weights: string;
  /** A config JSON path, or the same object inline (CLIP constructor names: embed_dim, vision_width, ...). */
  readonly config?: string | Readonly<Record<string, number>>;
  /** CLIP's `bpe_simple_vocab_16e6.txt.gz`. */
  readonly vocab: string;
  /** Display name. @default the weights file name */
  readonly name?: string;
  readonly options?: SlicVitOptions;
}

/** SLICViT on a tiny random CLIP (tests, demos of the pipeline). */
export interface SmokeModelSpec {
  readonly family: "smoke";
  readonly seed?: number;
  /** Optional CLIP vocabulary; else a byte-level fallback tokenizer. */
  readonly vocab?: string;
  readonly options?: SlicVitOptions;
}

export type { OwlVitModelSpec, RegionClipModelSpec };

export type ModelSpec = SlicVitModelSpec | SmokeModelSpec | OwlVitModelSpec | RegionClipModelSpec;

/** A family's registry name ("slicvit", "smoke", "owlvit", ...). */
export type ModelFamily = ModelSpec["family"];

/** Where and how the model runs (provider, precision, threads, graph cache folder). */
export type LocalizerRuntime = RuntimeOptions;

async function createSlicVit(spec: SlicVitModelSpec, runtime: LocalizerRuntime): Promise<Localizer> {
  const weights = requireFilePath(spec.weights, "spec.weights");
  const vocab = requireFilePath(spec.vocab, "spec.vocab");
  const config = spec.config;
  const checkpoint = await openClipCheckpoint(
    weights,
    typeof config === "string"
      ? { configPath: config }
      : config === undefined
        ? {}
        : { config: parseClipConfigJson(JSON.stringify(config), "spec.config") },
  );
  let tokenizer: Awaited<ReturnType<typeof loadClipTokenizer>>;
  try {
    tokenizer = await loadClipTokenizer(vocab);
  } catch (error) {
    checkpoint.close();
    throw error;
  }
  const model =
    spec.name ??
    weights
      .split(/[\\/]/)
      .pop()!
      .replace(/\.safetensors$/, "");
  return SlicVitLocalizer.create({ checkpoint, tokenizer, options: spec.options, runtime, model });
}

/**
 * Creates the localizer a spec describes.
 * @throws GritlocError E_INVALID_OPTION (bad spec/runtime), E_NOT_FOUND / E_WEIGHTS_INVALID (files).
 * @example
 * const localizer = await createLocalizer(
 *   { family: "slicvit", weights: "model.safetensors", vocab: "bpe_simple_vocab_16e6.txt.gz" },
 *   { provider: "auto" },
 * );
 */
export async function createLocalizer(spec: ModelSpec, runtime: LocalizerRuntime = {}): Promise<Localizer> {
  if (typeof spec !== "object" || spec === null) throw invalidOption("spec", "a ModelSpec object", spec);
  switch (spec.family) {
    case "slicvit":
      return createSlicVit(spec, runtime);
    case "smoke":
      return createSmokeLocalizer(spec, runtime);
    case "owlvit":
      return createOwlVitFromSpec(spec, runtime);
    case "regionclip":
      return createRegionClipFromSpec(spec, runtime);
    default:
      throw invalidOption(
        "spec.family",
        '"slicvit", "smoke", "owlvit" or "regionclip"',
        (spec as { family?: unknown }).family,
      );
  }
}
