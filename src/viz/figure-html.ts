/**
 * Figures as HTML: PlotlyFigure → a `<div>` plus a `<script>` that draws it with plotly.js, for notebooks
 * (tslab's `display.html`) and reports. plotly.js itself is inlined from the installed package.
 */
import type { PlotlyFigure } from "./figure.js";
import { plotlySource } from "./plotly-source.js";

export interface FigureHtmlOptions {
  /**
   * Prepend plotly.js (≈4.8 MB, minified). Include it once per page or notebook (the first figure, or a separate
   * `plotlyScriptHtml()` output); in Colab every output is its own frame, so include it with every figure.
   * @default false
   */
  readonly includePlotlyJs?: boolean;
  /** The div's id. @default a fresh "gritloc-figure-<n>" */
  readonly id?: string;
}

let counter = 0;

/** A `<script>` element holding plotly.js; show it once before figures made with `includePlotlyJs: false`. */
export function plotlyScriptHtml(): string {
  return `<script type="text/javascript">${plotlySource()}</script>`;
}

/** JSON that is safe inside a `<script>` element (no `</script>`, no `<!--`). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

/**
 * The figure as an HTML fragment sized to the figure's layout.
 * @example
 * tslab.display.html(figureHtml(fig, { includePlotlyJs: true }));
 */
export function figureHtml(fig: PlotlyFigure, options: FigureHtmlOptions = {}): string {
  counter += 1;
  const id = options.id ?? `gritloc-figure-${process.pid}-${counter}`;
  const w = fig.layout.width;
  const h = fig.layout.height;
  const size = `${w === undefined ? "" : `width:${w}px;`}${h === undefined ? "" : `height:${h}px;`}`;
  const script = [
    "(function(){",
    `var el=document.getElementById(${scriptJson(id)});`,
    `if(!window.Plotly){el.textContent="plotly.js is not loaded: show plotlyScriptHtml() (or use includePlotlyJs: true) first.";return;}`,
    `var fig=${scriptJson(fig)};`,
    // A vertical mode bar sits beside the plot instead of over the (left-aligned, often long) title.
    `var layout=Object.assign({modebar:{orientation:"v"}},fig.layout);`,
    `window.Plotly.newPlot(el,fig.data,layout,{displaylogo:false,responsive:false});`,
    "})();",
  ].join("");
  return [
    options.includePlotlyJs === true ? plotlyScriptHtml() : "",
    `<div id="${id.replace(/"/g, "&quot;")}" class="gritloc-figure" style="${size}"></div>`,
    `<script type="text/javascript">${script}</script>`,
  ].join("\n");
}

/** The part of a notebook display API that shows HTML (tslab's `display` has it). */
export interface HtmlDisplay {
  html(html: string): void;
}

export interface ShowFigureOptions {
  /**
   * "once": inline plotly.js with the first figure shown in this process; "always": with every figure (Colab,
   * where each output is a separate frame); "never": the page already has it.
   * @default "once"
   */
  readonly includePlotlyJs?: "once" | "always" | "never";
}

let shownPlotly = false;

/**
 * Shows a figure through a notebook's display API; gritloc does not import tslab, the notebook passes it in.
 * @example
 * import * as tslab from "tslab";
 * showFigure(tslab.display, await gridFigure(views));
 */
export function showFigure(display: HtmlDisplay, fig: PlotlyFigure, options: ShowFigureOptions = {}): void {
  const mode = options.includePlotlyJs ?? "once";
  const include = mode === "always" || (mode === "once" && !shownPlotly);
  display.html(figureHtml(fig, { includePlotlyJs: include }));
  if (include) shownPlotly = true;
}
