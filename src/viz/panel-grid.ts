/**
 * The layout engine behind every box picture: panels (image data URI + SampleView) → one plotly figure with
 * one x/y axis pair per panel, placed at fixed pixel positions (no autosize), so a pixel of the rendered PNG
 * can be computed from the layout. Images keep their aspect ratio (1:1 pixels) and y points down.
 */
import { countNoun } from "../count-noun.js";
import type { BoxXyxy } from "../grit/box.js";
import type { Size } from "../vision/image.js";
import { GROUND_TRUTH_COLOR, type PlotlyFigure, type PlotlyTrace, PREDICTED_COLOR } from "./figure.js";
import type { SampleView } from "./sample-view.js";

export interface Panel {
  readonly view: SampleView;
  /** The picture as a data URI (any resolution; it is stretched over the image's pixel extent). */
  readonly imageSource: string;
}

export interface PanelGridOptions {
  readonly columns: number;
  /** The box each image is fitted into, in CSS pixels of the figure. */
  readonly cellSize: Size;
  /** Box line width in pixels. */
  readonly lineWidth: number;
  readonly title?: string;
  /** Text above each column (e.g. model names when comparing). */
  readonly columnHeaders?: readonly string[];
  /** Extra right margin (e.g. for a colour bar). @default 10 */
  readonly marginRight?: number;
}

/** Fixed spacing in pixels; part of the deterministic geometry the PNG tests rely on. */
const GAP = 10;
const MARGIN = 10;
const TITLE_ROW = 30;
const LEGEND_ROW = 26;
const HEADER_ROW = 24;
/** Height of the tag on a predicted box (10 px text plus padding). */
const TAG_HEIGHT = 16;
/** Panel title (query) and detail line above each image. */
export const PANEL_TITLE = 34;

function truncate(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, Math.max(1, maxChars - 1))}…`;
}

function boxPath(boxes: readonly BoxXyxy[]): { x: (number | null)[]; y: (number | null)[] } {
  const x: (number | null)[] = [];
  const y: (number | null)[] = [];
  for (const [x1, y1, x2, y2] of boxes) {
    if (x.length > 0) {
      x.push(null);
      y.push(null);
    }
    x.push(x1, x2, x2, x1, x1);
    y.push(y1, y1, y2, y2, y1);
  }
  return { x, y };
}

function detailLine(view: SampleView): string {
  const parts: string[] = [];
  if (view.predicted === undefined) parts.push("no prediction");
  else {
    const n = view.predicted.bboxes.length;
    parts.push(`conf ${view.predicted.confidence.toFixed(2)}`, countNoun(n, "box", "boxes"));
  }
  if (view.groundTruth !== undefined) parts.push(`${view.groundTruth.length} gt`);
  if (view.score !== undefined) parts.push(`score ${view.score.toFixed(2)}`);
  if (view.caption !== undefined) parts.push(view.caption);
  return parts.join(" · ");
}

/**
 * Builds the figure. Geometry (all in CSS pixels, integers): margins 10 px, then a title row (if any), a legend
 * row and a column-header row (if any) at the top; cells `cellSize.width` wide and as tall as the tallest
 * fitted image, with a 34 px panel title above each and 10 px gaps; each image fitted into `cellSize` keeping
 * its aspect ratio, centred horizontally, directly under its title.
 */
export function panelGridFigure(panels: readonly Panel[], options: PanelGridOptions): PlotlyFigure {
  const { columns, cellSize, lineWidth } = options;
  const rows = Math.max(1, Math.ceil(panels.length / columns));
  const l = MARGIN;
  const r = options.marginRight ?? MARGIN;
  const b = MARGIN;
  const headerRow = options.columnHeaders === undefined ? 0 : HEADER_ROW;
  const t = MARGIN + (options.title === undefined ? 0 : TITLE_ROW) + LEGEND_ROW + headerRow;
  // Rows are as tall as the tallest fitted image, so a grid of landscape photos has no empty bands.
  let cellHeight = 1;
  for (const { view } of panels) {
    const fit = Math.min(cellSize.width / view.image.width, cellSize.height / view.image.height);
    cellHeight = Math.max(cellHeight, Math.round(view.image.height * fit));
  }
  const plotW = columns * cellSize.width + (columns - 1) * GAP;
  const plotH = rows * (PANEL_TITLE + cellHeight) + (rows - 1) * GAP;
  const width = l + plotW + r;
  const height = t + plotH + b;
  const paperX = (px: number) => px / plotW;
  const paperY = (py: number) => 1 - py / plotH;

  const data: PlotlyTrace[] = [];
  const images: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  const axes: Record<string, unknown> = {};
  const hasPredicted = panels.some((p) => p.view.predicted !== undefined);
  const hasGroundTruth = panels.some((p) => p.view.groundTruth !== undefined);
  const titleChars = Math.max(4, Math.floor(cellSize.width / 7.5));

  panels.forEach((panel, i) => {
    const { view } = panel;
    const { width: w, height: h } = view.image;
    const row = Math.floor(i / columns);
    const col = i % columns;
    const cellX = col * (cellSize.width + GAP);
    const cellY = row * (PANEL_TITLE + cellHeight + GAP);
    const scale = Math.min(cellSize.width / w, cellSize.height / h);
    const shownW = Math.max(1, Math.round(w * scale));
    const shownH = Math.max(1, Math.round(h * scale));
    const x0 = cellX + Math.floor((cellSize.width - shownW) / 2);
    const y0 = cellY + PANEL_TITLE; // right under its title; shorter images leave space below
    const n = i === 0 ? "" : String(i + 1);
    axes[`xaxis${n}`] = {
      domain: [paperX(x0), paperX(x0 + shownW)],
      range: [0, w],
      anchor: `y${n}`,
      visible: false,
      showgrid: false,
      zeroline: false,
    };
    axes[`yaxis${n}`] = {
      domain: [paperY(y0 + shownH), paperY(y0)],
      range: [h, 0], // y points down, as in the image
      anchor: `x${n}`,
      scaleanchor: `x${n}`, // 1:1 pixels, also while zooming
      scaleratio: 1,
      constrain: "domain",
      visible: false,
      showgrid: false,
      zeroline: false,
    };
    images.push({
      source: panel.imageSource,
      xref: `x${n}`,
      yref: `y${n}`,
      x: 0,
      y: 0,
      sizex: w,
      sizey: h,
      xanchor: "left",
      yanchor: "top",
      sizing: "stretch",
      layer: "below",
    });
    const centre = paperX(cellX + cellSize.width / 2);
    annotations.push(
      {
        text: truncate(view.query, titleChars),
        xref: "paper",
        yref: "paper",
        x: centre,
        y: paperY(cellY + 2),
        xanchor: "center",
        yanchor: "top",
        showarrow: false,
        font: { size: 14, color: "#111" },
      },
      {
        text: truncate(detailLine(view), Math.floor(titleChars * 1.35)),
        xref: "paper",
        yref: "paper",
        x: centre,
        y: paperY(cellY + PANEL_TITLE - 2),
        xanchor: "center",
        yanchor: "bottom",
        showarrow: false,
        font: { size: 10, color: "#555" },
      },
    );
    const kinds = [
      { name: "ground truth", color: GROUND_TRUTH_COLOR, boxes: view.groundTruth },
      { name: "predicted", color: PREDICTED_COLOR, boxes: view.predicted?.bboxes },
    ];
    for (const kind of kinds) {
      if (kind.boxes === undefined || kind.boxes.length === 0) continue;
      const path = boxPath(kind.boxes);
      const common = { type: "scatter", mode: "lines", xaxis: `x${n}`, yaxis: `y${n}`, ...path };
      // A dark halo under each line keeps red and blue readable on any background.
      data.push({
        ...common,
        line: { color: "rgba(0,0,0,0.55)", width: lineWidth + 2.5 },
        hoverinfo: "skip",
        showlegend: false,
        legendgroup: kind.name,
      });
      data.push({
        ...common,
        name: kind.name,
        legendgroup: kind.name,
        showlegend: false,
        line: { color: kind.color, width: lineWidth },
        hovertemplate: `${kind.name}<br>x %{x:.0f}, y %{y:.0f}<extra>${view.query}</extra>`,
      });
    }
    const first = view.predicted?.bboxes[0];
    if (view.predicted !== undefined && first !== undefined) {
      // Tag the first predicted box just above its top-left corner (inside it when the box touches the top of
      // the image), so the tag never hides the box or a ground-truth box inside it.
      const top = Math.max(0, first[1]);
      const above = top * (shownH / h) >= TAG_HEIGHT;
      annotations.push({
        text: `${truncate(view.query, 18)} ${view.predicted.confidence.toFixed(2)}`,
        xref: `x${n}`,
        yref: `y${n}`,
        x: Math.max(0, first[0]),
        y: top,
        xanchor: "left",
        yanchor: above ? "bottom" : "top",
        xshift: -lineWidth / 2,
        yshift: above ? lineWidth / 2 : -lineWidth / 2,
        showarrow: false,
        bgcolor: PREDICTED_COLOR,
        borderpad: 1,
        font: { size: 10, color: "white" },
      });
    }
  });

  // Legend entries come from empty traces, so the legend shows each colour once however many panels there are.
  if (hasPredicted) data.push(legendTrace("predicted", PREDICTED_COLOR, lineWidth));
  if (hasGroundTruth) data.push(legendTrace("ground truth", GROUND_TRUTH_COLOR, lineWidth));
  (options.columnHeaders ?? []).forEach((header, c) => {
    annotations.push({
      text: `<b>${header}</b>`,
      xref: "paper",
      yref: "paper",
      x: paperX(c * (cellSize.width + GAP) + cellSize.width / 2),
      y: 1 + 4 / plotH,
      xanchor: "center",
      yanchor: "bottom",
      showarrow: false,
      font: { size: 15, color: "#111" },
    });
  });

  return {
    data,
    layout: {
      width,
      height,
      autosize: false,
      margin: { l, r, t, b, pad: 0, autoexpand: false },
      paper_bgcolor: "white",
      plot_bgcolor: "white",
      showlegend: hasPredicted || hasGroundTruth,
      legend: {
        orientation: "h",
        x: 0,
        xanchor: "left",
        y: 1 - (MARGIN + (options.title === undefined ? 0 : TITLE_ROW)) / height,
        yref: "container",
        yanchor: "top",
        font: { size: 13 },
      },
      ...(options.title === undefined
        ? {}
        : {
            title: {
              text: options.title,
              x: l / width,
              xanchor: "left",
              xref: "container",
              y: 1 - MARGIN / height,
              yref: "container",
              yanchor: "top",
              font: { size: 17 },
            },
          }),
      images,
      annotations,
      hovermode: "closest",
      ...axes,
    },
  };
}

function legendTrace(name: string, color: string, lineWidth: number): PlotlyTrace {
  return {
    type: "scatter",
    mode: "lines",
    x: [null],
    y: [null],
    name,
    legendgroup: name,
    showlegend: true,
    line: { color, width: lineWidth },
    hoverinfo: "skip",
  };
}
