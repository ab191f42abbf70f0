/**
 * Two (or more) models side by side: the same samples, one column per model's predictions, ground truth in
 * every panel → one plotly figure with the model names above the columns.
 */
import { invalidOption } from "../errors.js";
import {
  type BoxFigureOptions,
  checkPositiveInteger,
  embedOptions,
  resolveBoxFigureOptions,
} from "./box-figure-options.js";
import type { PlotlyFigure } from "./figure.js";
import { imageDataUri } from "./image-data-uri.js";
import { type Panel, panelGridFigure } from "./panel-grid.js";
import { type BoxPrediction, checkPrediction, checkSampleView, type SampleView } from "./sample-view.js";

/** One model's predictions for the compared samples, in the samples' order (undefined = no prediction). */
export interface ComparedModel {
  readonly name: string;
  readonly predictions: readonly (BoxPrediction | undefined)[];
  /** Per-sample GRIT scores in the same order, shown under each panel's title when given. */
  readonly scores?: readonly (number | undefined)[];
}

export interface CompareFigureOptions extends BoxFigureOptions {
  /** Each image is fitted into a square of this many pixels. @default 300 */
  readonly cellSize?: number;
}

/**
 * Builds the comparison: one row per sample, one column per model. The samples' own `predicted` and `score`
 * are ignored; each column shows its model's.
 * @throws GritlocError E_INVALID_OPTION when a model's predictions do not line up with the samples.
 * @example
 * const fig = await compareModelsFigure(views, [
 *   { name: "SLICViT", predictions: views.map((v, i) => slicvit[i]) },
 *   { name: "OWL-ViT", predictions: views.map((v, i) => owlvit[i]) },
 * ]);
 */
export async function compareModelsFigure(
  views: readonly SampleView[],
  models: readonly ComparedModel[],
  options: CompareFigureOptions = {},
): Promise<PlotlyFigure> {
  if (!Array.isArray(views) || views.length === 0) {
    throw invalidOption("views", "a non-empty list of samples", views);
  }
  if (!Array.isArray(models) || models.length < 1) {
    throw invalidOption("models", "a non-empty list of { name, predictions }", models);
  }
  for (let i = 0; i < views.length; i++) checkSampleView(views[i], `views[${i}]`);
  models.forEach((model, m) => {
    if (typeof model?.name !== "string") throw invalidOption(`models[${m}].name`, "a string", model?.name);
    if (!Array.isArray(model.predictions) || model.predictions.length !== views.length) {
      throw invalidOption(
        `models[${m}].predictions`,
        `one entry per sample (${views.length}, undefined where missing)`,
        model.predictions,
      );
    }
    const predictions: readonly (BoxPrediction | undefined)[] = model.predictions;
    for (let i = 0; i < predictions.length; i++) {
      const p = predictions[i];
      if (p !== undefined) checkPrediction(p, `models[${m}].predictions[${i}]`);
    }
  });
  const resolved = resolveBoxFigureOptions(options);
  const size = checkPositiveInteger("cellSize", options.cellSize ?? 300);
  const cellSize = { width: size, height: size };
  const panels: Panel[] = [];
  for (let i = 0; i < views.length; i++) {
    // One encoding per sample, shared by its panels.
    const imageSource = await imageDataUri(views[i].image, embedOptions(resolved, cellSize));
    for (const model of models) {
      const { predicted: _p, score: _s, ...base } = views[i];
      const view: SampleView = {
        ...base,
        ...(model.predictions[i] === undefined ? {} : { predicted: model.predictions[i] }),
        ...(model.scores?.[i] === undefined ? {} : { score: model.scores[i] }),
      };
      panels.push({ view, imageSource });
    }
  }
  return panelGridFigure(panels, {
    columns: models.length,
    cellSize,
    lineWidth: resolved.lineWidth,
    title: resolved.title,
    columnHeaders: models.map((m) => m.name),
  });
}
