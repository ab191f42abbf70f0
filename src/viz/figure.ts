/**
 * Plotly figures as plain data (`{ data, layout }`), typed minimally: builders return them, `figureHtml`
 * shows them in notebooks and reports, `renderPng` turns them into pictures. Colours shared by all builders.
 */

/** One plotly trace; `type` selects the trace kind (scatter, heatmap, bar, histogram, …). */
export interface PlotlyTrace {
  readonly type: string;
  readonly [attribute: string]: unknown;
}

/** A plotly layout. gritloc's builders always set `width` and `height` (pixels). */
export interface PlotlyLayout {
  readonly width?: number;
  readonly height?: number;
  readonly [attribute: string]: unknown;
}

/** A plotly figure: JSON-serialisable, so it can be saved, inlined into HTML or rendered to PNG. */
export interface PlotlyFigure {
  readonly data: readonly PlotlyTrace[];
  readonly layout: PlotlyLayout;
}

/** Predicted boxes are red (the original write-up's convention). */
export const PREDICTED_COLOR = "rgb(255,32,32)";
/** Ground-truth boxes are blue. */
export const GROUND_TRUTH_COLOR = "rgb(30,110,255)";
/** Series colours for charts that compare runs (colour-blind-safe Okabe–Ito order). */
export const SERIES_COLORS: readonly string[] = [
  "rgb(0,114,178)",
  "rgb(230,159,0)",
  "rgb(0,158,115)",
  "rgb(204,121,167)",
  "rgb(86,180,233)",
  "rgb(213,94,0)",
  "rgb(240,228,66)",
];
