/**
 * `gritloc models fetch`: downloads a model's files (`fetchModelFiles`), then, for CLIP and OWL-ViT checkpoints,
 * builds and caches their ONNX graphs once so the first run does not pay for it. Model name → files + info.
 */
import { type FetchedModel, type FetchModelOptions, fetchModelFiles } from "../data/fetch-model.js";
import type { LocalizerInfo } from "./localizer.js";
import { createLocalizer, type LocalizerRuntime, type ModelSpec } from "./registry.js";

export interface InstallModelOptions extends FetchModelOptions {
  readonly runtime?: LocalizerRuntime;
}

export interface InstalledModel extends FetchedModel {
  /** Set when graphs were built (CLIP and OWL-ViT families); other families are only downloaded here. */
  readonly info?: LocalizerInfo;
}

/**
 * Downloads (or verifies) the files of `name` and prepares its graphs.
 * @example const clip = await installModel("clip-vit-large-patch14"); clip.files.weights
 */
export async function installModel(name: string, options: InstallModelOptions = {}): Promise<InstalledModel> {
  const { runtime, ...fetchOptions } = options;
  const fetched = await fetchModelFiles(name, fetchOptions);
  const { weights, vocab, config, preprocessorConfig } = fetched.files;
  const spec: ModelSpec | undefined =
    fetched.family === "clip"
      ? { family: "slicvit", weights, vocab, name }
      : fetched.family === "owlvit"
        ? {
            family: "owlvit",
            weights,
            vocab,
            config,
            name,
            ...(preprocessorConfig ? { preprocessorConfig } : {}),
          }
        : undefined;
  if (spec === undefined) return fetched;
  const localizer = await createLocalizer(spec, runtime);
  const info = localizer.info;
  await localizer.dispose();
  return { ...fetched, info };
}
