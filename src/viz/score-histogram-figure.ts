/**
 * Score distributions: per-sample values (GRIT localization scores, confidences, IoUs) of one or more runs →
 * an overlaid histogram with each run's mean marked.
 */
import { invalidOption } from "../errors.js";
import { type PlotlyFigure, type PlotlyTrace, SERIES_COLORS } from "./figure.js";

export interface ScoreSeries {
  readonly name: string;
  readonly values: readonly number[];
}

export interface ScoreHistogramOptions {
  readonly title?: string;
  /** @default "per-sample score" */
  readonly xTitle?: string;
  /** Bin width. @default 0.05 */
  readonly binSize?: number;
  /** The value range shown. @default [0, 1] */
  readonly range?: readonly [number, number];
  /** @default 760 */
  readonly width?: number;
  /** @default 400 */
  readonly height?: number;
}

/**
 * Builds the histogram (counts; bars of several runs overlaid at 60% opacity; a dashed line at each mean).
 * @throws GritlocError E_INVALID_OPTION for an empty list, non-finite values or a bad bin size.
 * @example
 * const fig = scoreHistogramFigure([{ name: "SLICViT", values: perSample.map((s) => s.score) }]);
 */
export function scoreHistogramFigure(
  series: readonly ScoreSeries[],
  options: ScoreHistogramOptions = {},
): PlotlyFigure {
  if (!Array.isArray(series) || series.length === 0) {
    throw invalidOption("series", "a non-empty list of { name, values }", series);
  }
  const { binSize = 0.05, range = [0, 1], width = 760, height = 400 } = options;
  if (!(binSize > 0)) throw invalidOption("binSize", "a positive number", binSize);
  const data: PlotlyTrace[] = [];
  const shapes: Record<string, unknown>[] = [];
  series.forEach((s, i) => {
    if (!Array.isArray(s?.values)) throw invalidOption(`series[${i}].values`, "a list of numbers", s?.values);
    const values: readonly number[] = s.values;
    const bad = values.findIndex((v) => typeof v !== "number" || !Number.isFinite(v));
    if (bad >= 0) throw invalidOption(`series[${i}].values[${bad}]`, "a finite number", values[bad]);
    const color = SERIES_COLORS[i % SERIES_COLORS.length];
    const mean = values.length === 0 ? Number.NaN : values.reduce((a, v) => a + v, 0) / values.length;
    data.push({
      type: "histogram",
      name: `${s.name} (n=${s.values.length}, mean ${Number.isNaN(mean) ? "–" : mean.toFixed(3)})`,
      x: s.values,
      xbins: { start: range[0], end: range[1] + binSize * 1e-6, size: binSize },
      marker: { color, line: { color: "white", width: 0.5 } },
      opacity: series.length > 1 ? 0.6 : 0.9,
    });
    if (!Number.isNaN(mean)) {
      shapes.push({
        type: "line",
        xref: "x",
        yref: "paper",
        x0: mean,
        x1: mean,
        y0: 0,
        y1: 1,
        line: { color, width: 2, dash: "dash" },
      });
    }
  });
  return {
    data,
    layout: {
      width,
      height,
      autosize: false,
      title: { text: options.title ?? "Per-sample scores" },
      barmode: "overlay",
      margin: { l: 60, r: 20, t: 60, b: 60 },
      xaxis: { title: { text: options.xTitle ?? "per-sample score" }, range: [range[0], range[1]] },
      yaxis: { title: { text: "samples" } },
      legend: { orientation: "h", x: 1, xanchor: "right", y: 1.02, yanchor: "bottom" },
      showlegend: true,
      shapes,
      paper_bgcolor: "white",
      plot_bgcolor: "white",
    },
  };
}
