/**
 * One sample as a picture: SampleView → plotly figure with the image, predicted boxes (red, tagged with the
 * query and confidence) and ground-truth boxes (blue).
 */
import { invalidOption } from "../errors.js";
import { type BoxFigureOptions, embedOptions, resolveBoxFigureOptions } from "./box-figure-options.js";
import type { PlotlyFigure } from "./figure.js";
import { imageDataUri } from "./image-data-uri.js";
import { panelGridFigure } from "./panel-grid.js";
import { checkSampleView, type SampleView } from "./sample-view.js";

export interface BoxesFigureOptions extends BoxFigureOptions {
  /** The image is shown at its own size, shrunk to fit this many pixels on its long side. @default 640 */
  readonly maxSize?: number;
}

/**
 * Builds the figure for one sample. The image keeps its aspect ratio with y pointing down; the figure's width
 * and height are fixed (no autosize), so `renderPng` without size options reproduces it exactly.
 * @throws GritlocError E_INVALID_OPTION for a malformed view or option.
 * @example
 * const fig = await boxesFigure({ image, query: "dog", predicted: { bboxes: [[10, 20, 200, 180]], confidence: 0.8 },
 *   groundTruth: [[12, 25, 190, 170]] });
 * tslab.display.html(figureHtml(fig, { includePlotlyJs: true }));
 */
export async function boxesFigure(view: SampleView, options: BoxesFigureOptions = {}): Promise<PlotlyFigure> {
  checkSampleView(view, "view");
  const resolved = resolveBoxFigureOptions(options);
  const maxSize = options.maxSize ?? 640;
  if (!Number.isInteger(maxSize) || maxSize < 64) throw invalidOption("maxSize", "an integer ≥ 64", maxSize);
  const { width, height } = view.image;
  const scale = Math.min(1, maxSize / Math.max(width, height));
  const cellSize = { width: Math.round(width * scale), height: Math.round(height * scale) };
  // A narrow image still needs room for the legend and the title line.
  const cell = { width: Math.max(cellSize.width, 260), height: cellSize.height };
  const imageSource = await imageDataUri(view.image, embedOptions(resolved, cellSize));
  return panelGridFigure([{ view, imageSource }], {
    columns: 1,
    cellSize: cell,
    lineWidth: resolved.lineWidth,
    title: resolved.title,
  });
}
