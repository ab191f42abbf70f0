/**
 * `gritloc models fetch`: downloads a model's files (`fetchModelFiles`), then, for CLIP checkpoints, builds and
 * caches SLICViT's ONNX graphs once so the first run does not pay for it. Model name → files + info.
 */
import { type FetchedModel, type FetchModelOptions, fetchModelFiles } from "../data/fetch-model.js";
import type { LocalizerInfo } from "./localizer.js";
import { createLocalizer, type LocalizerRuntime } from "./registry.js";

export interface InstallModelOptions extends FetchModelOptions {
  readonly runtime?: LocalizerRuntime;
}

export interface InstalledModel extends FetchedModel {
  /** Set when graphs were built (CLIP family); other families are only downloaded here. */
  readonly info?: LocalizerInfo;
}

/**
 * Downloads (or verifies) the files of `name` and prepares its graphs.
 * @example const clip = await installModel("clip-vit-large-patch14"); clip.files.weights
 */
export async function installModel(name: string, options: InstallModelOptions = {}): Promise<InstalledModel> {
  const { runtime, ...fetchOptions } = options;
  const fetched = await fetchModelFiles(name, fetchOptions);
  if (fetched.family !== "clip") return fetched;
  const localizer = await createLocalizer(
    { family: "slicvit", weights: fetched.files.weights, vocab: fetched.files.vocab, name },
    runtime,
  );
  const info = localizer.info;
  await localizer.dispose();
  return { ...fetched, info };
}
