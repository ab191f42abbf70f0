/**
 * Many samples at once: SampleView[] → the original write-up's 4×4 grid (any count, any number of columns),
 * each panel titled with its query, predicted boxes red and ground truth blue.
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
import { checkSampleView, type SampleView } from "./sample-view.js";

export interface GridFigureOptions extends BoxFigureOptions {
  /** Panels per row. @default 4 */
  readonly columns?: number;
  /** Each image is fitted into a square of this many pixels. @default 240 */
  readonly cellSize?: number;
}

/**
 * Builds the grid figure (row-major, in the order given). 16 samples with the defaults give a 1010×1188 px
 * figure.
 * @throws GritlocError E_INVALID_OPTION for an empty list, a malformed view or option.
 * @example
 * const fig = await gridFigure(views.slice(0, 16), { title: "SLICViT on GRIT ablation" });
 * await renderPng(fig, "grid.png");
 */
export async function gridFigure(
  views: readonly SampleView[],
  options: GridFigureOptions = {},
): Promise<PlotlyFigure> {
  if (!Array.isArray(views) || views.length === 0) {
    throw invalidOption("views", "a non-empty list of samples", views);
  }
  for (let i = 0; i < views.length; i++) checkSampleView(views[i], `views[${i}]`);
  const resolved = resolveBoxFigureOptions(options);
  const columns = Math.min(checkPositiveInteger("columns", options.columns ?? 4), views.length);
  const size = checkPositiveInteger("cellSize", options.cellSize ?? 240);
  const cellSize = { width: size, height: size };
  const panels: Panel[] = await Promise.all(
    views.map(async (view) => ({
      view,
      imageSource: await imageDataUri(view.image, embedOptions(resolved, cellSize)),
    })),
  );
  return panelGridFigure(panels, { columns, cellSize, lineWidth: resolved.lineWidth, title: resolved.title });
}
