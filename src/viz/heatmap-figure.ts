/**
 * A heatmap over its image: (RgbImage, Heatmap in model input space, optional boxes) → plotly figure showing
 * the inferno overlay of `blendHeatmap`, a colour bar and the heat value on hover.
 */
import { invalidOption } from "../errors.js";
import type { Heatmap } from "../vision/heatmap.js";
import { type BoxFigureOptions, embedOptions, resolveBoxFigureOptions } from "./box-figure-options.js";
import { infernoColorscale } from "./colormap.js";
import type { PlotlyFigure, PlotlyTrace } from "./figure.js";
import { blendHeatmap } from "./heatmap-overlay.js";
import { imageDataUri } from "./image-data-uri.js";
import { PANEL_TITLE, panelGridFigure } from "./panel-grid.js";
import { resizeHeatmapBilinear } from "./resize-heatmap.js";
import { checkSampleView, type SampleView } from "./sample-view.js";

export interface HeatmapFigureOptions extends BoxFigureOptions {
  /** The image is shown shrunk to fit this many pixels on its long side. @default 640 */
  readonly maxSize?: number;
  /** Overlay opacity at the hottest value (see `blendHeatmap`). @default 0.75 */
  readonly opacity?: number;
}

/** Hover resolution: the heat under the cursor is read from a grid of at most this many cells per side. */
const HOVER_GRID = 56;
const COLORBAR_MARGIN = 90;

/**
 * Builds the heatmap figure; boxes in `view` (if any) are drawn on top as in `boxesFigure`.
 * @throws GritlocError E_INVALID_OPTION for a malformed view, heatmap or option.
 * @example
 * const fig = await heatmapFigure({ image, query: "dog" }, heatmap);
 */
export async function heatmapFigure(
  view: SampleView,
  heatmap: Heatmap,
  options: HeatmapFigureOptions = {},
): Promise<PlotlyFigure> {
  checkSampleView(view, "view");
  const resolved = resolveBoxFigureOptions(options);
  const maxSize = options.maxSize ?? 640;
  if (!Number.isInteger(maxSize) || maxSize < 64) throw invalidOption("maxSize", "an integer ≥ 64", maxSize);
  const overlay = blendHeatmap(view.image, heatmap, { opacity: options.opacity });
  const { width, height } = view.image;
  const scale = Math.min(1, maxSize / Math.max(width, height));
  const cellSize = { width: Math.max(Math.round(width * scale), 260), height: Math.round(height * scale) };
  const imageSource = await imageDataUri(overlay, embedOptions(resolved, cellSize));
  const fig = panelGridFigure([{ view: { ...view, image: overlay }, imageSource }], {
    columns: 1,
    cellSize,
    lineWidth: resolved.lineWidth,
    title: resolved.title,
    marginRight: COLORBAR_MARGIN,
  });
  const zw = Math.min(HOVER_GRID, heatmap.width);
  const zh = Math.min(HOVER_GRID, heatmap.height);
  const small = resizeHeatmapBilinear(heatmap, { width: zw, height: zh });
  const z: number[][] = [];
  for (let y = 0; y < zh; y++) z.push(Array.from(small.subarray(y * zw, (y + 1) * zw), (v) => +v.toFixed(3)));
  // Invisible: the overlay picture shows the heat; this trace gives the colour bar and the hover value.
  const heatTrace: PlotlyTrace = {
    type: "heatmap",
    z,
    x0: width / zw / 2,
    dx: width / zw,
    y0: height / zh / 2,
    dy: height / zh,
    xaxis: "x",
    yaxis: "y",
    zmin: 0,
    zmax: 1,
    colorscale: infernoColorscale(),
    opacity: 0,
    showscale: true,
    hovertemplate: "heat %{z:.2f}<extra></extra>",
    colorbar: {
      title: { text: "heat", side: "right" },
      thickness: 14,
      x: 1,
      xanchor: "left",
      xpad: 12,
      y: 0,
      yanchor: "bottom",
      len: cellSize.height / (cellSize.height + PANEL_TITLE),
      lenmode: "fraction",
    },
  };
  return { data: [heatTrace, ...fig.data], layout: fig.layout };
}
