/**
 * One image file + queries → boxes in source pixels, through any registered model (what `gritloc localize`
 * runs): decode, prepare (resize + SLIC as the model asks), localize, release the model.
 */
import { invalidOption } from "../errors.js";
import type { BoxXyxy } from "../grit/box.js";
import { validateRuntimeOptions } from "../onnx/session.js";
import { decodeImage } from "../vision/decode.js";
import type { Heatmap } from "../vision/heatmap.js";
import type { RgbImage } from "../vision/image.js";
import { prepareDecoded } from "../vision/prepare.js";
import { checkModelSpec } from "./check-model-spec.js";
import type { LocalizerInfo } from "./localizer.js";
import { createLocalizer, type LocalizerRuntime, type ModelSpec } from "./registry.js";

export interface LocalizeImageOptions {
  readonly model: ModelSpec;
  readonly runtime?: LocalizerRuntime;
  /** Image file path or encoded bytes. */
  readonly image: string | Uint8Array;
  readonly queries: readonly string[];
}

export interface QueryResult {
  readonly query: string;
  readonly boxes: readonly BoxXyxy[];
  readonly confidence: number;
  readonly heatmap?: Heatmap;
}

export interface LocalizeImageResult {
  readonly image: RgbImage;
  readonly info: LocalizerInfo;
  readonly results: readonly QueryResult[];
}

/**
 * Localizes every query in one image.
 * @example
 * const { results } = await localizeImage({ model: { family: "smoke" }, image: "cat.jpg", queries: ["cat"] });
 * results[0].boxes[0]; // [x1, y1, x2, y2] in the image's pixels
 */
export async function localizeImage(options: LocalizeImageOptions): Promise<LocalizeImageResult> {
  const { queries } = options;
  if (
    !Array.isArray(queries) ||
    queries.length === 0 ||
    !queries.every((q) => typeof q === "string" && q.trim() !== "")
  )
    throw invalidOption("queries", "a non-empty array of non-empty strings", queries);
  // Before the image is decoded and the weights are read: a bad option or provider fails at once.
  checkModelSpec(options.model);
  validateRuntimeOptions(options.runtime ?? {});
  const image = await decodeImage(options.image);
  const localizer = await createLocalizer(options.model, options.runtime);
  try {
    const prepared = prepareDecoded(image, localizer.prepareSpec);
    const localizations = await localizer.localize(prepared, queries);
    const results = localizations.map((l, i) => ({
      query: queries[i],
      boxes: l.boxes,
      confidence: l.confidence,
      ...(l.heatmap === undefined ? {} : { heatmap: l.heatmap }),
    }));
    return { image, info: localizer.info, results };
  } finally {
    await localizer.dispose();
  }
}
