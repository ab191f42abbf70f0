/**
 * The `owlvit` member of the registry's ModelSpec (plain JSON, recorded in run.json) and its factory:
 * OwlVitModelSpec + runtime → OwlVitLocalizer.
 */
import type { RuntimeOptions } from "../../onnx/session.js";
import { requireFilePath } from "../require-file-path.js";
import { createOwlVitLocalizer, type OwlVitLocalizer } from "./localizer.js";
import type { OwlVitOptions } from "./options.js";

/** OWL-ViT from a Hugging Face `OwlViTForObjectDetection` checkpoint (`gritloc models fetch owlvit-b32`). */
export interface OwlVitModelSpec {
  readonly family: "owlvit";
  /** `model.safetensors` with Hugging Face parameter names. */
  readonly weights: string;
  /** The checkpoint's `config.json`. */
  readonly config: string;
  /** CLIP's `bpe_simple_vocab_16e6.txt.gz`. */
  readonly vocab: string;
  /** The checkpoint's `preprocessor_config.json`; the processor defaults apply without it. */
  readonly preprocessorConfig?: string;
  /** Display name. @default the weights file's folder name, e.g. "owlvit-base-patch32" */
  readonly name?: string;
  readonly options?: OwlVitOptions;
}

/** The registry's factory for `family: "owlvit"`. @throws GritlocError as {@link createOwlVitLocalizer}. */
export function createOwlVitFromSpec(
  spec: OwlVitModelSpec,
  runtime: RuntimeOptions = {},
): Promise<OwlVitLocalizer> {
  const weights = requireFilePath(spec.weights, "spec.weights");
  const files = {
    weights,
    config: requireFilePath(spec.config, "spec.config"),
    vocab: requireFilePath(spec.vocab, "spec.vocab"),
    ...(spec.preprocessorConfig === undefined
      ? {}
      : { preprocessorConfig: requireFilePath(spec.preprocessorConfig, "spec.preprocessorConfig") }),
  };
  // `models fetch` puts each model's files in a folder named after it (…/models/owlvit-base-patch32/).
  const folder = weights.split(/[\\/]/).slice(-2, -1)[0];
  const name = spec.name ?? (folder === undefined || folder === "" ? "owlvit" : folder);
  return createOwlVitLocalizer(files, spec.options, runtime, { model: name });
}
