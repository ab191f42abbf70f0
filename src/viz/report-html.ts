/**
 * Self-contained reports: a title and sections of text and figures → one `report.html` with plotly.js
 * inlined once, viewable offline in any browser.
 */
import { invalidOption } from "../errors.js";
import type { PlotlyFigure } from "./figure.js";
import { figureHtml, plotlyScriptHtml } from "./figure-html.js";

export interface ReportSection {
  readonly heading?: string;
  /** Paragraphs of plain text (escaped; blank lines separate paragraphs; `backticks` mark code). */
  readonly text?: string;
  readonly figures?: readonly PlotlyFigure[];
}

export interface ReportOptions {
  readonly title: string;
  readonly sections: readonly ReportSection[];
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A paragraph as HTML: escaped, with `code` spans (the summaries quote commands that way) set as <code>. */
function paragraphHtml(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, "<code>$1</code>");
}

/**
 * Builds the report page (about 4.8 MB for plotly.js, once, plus the figures' embedded pictures).
 * @example
 * await writeFile("report.html", reportHtml({ title: "SLICViT, GRIT ablation", sections: [
 *   { heading: "Scores", figures: [partitionFigure([{ name: "SLICViT", metrics }])] },
 *   { heading: "Samples", figures: [await gridFigure(views)] },
 * ] }));
 */
export function reportHtml(options: ReportOptions): string {
  if (typeof options?.title !== "string") throw invalidOption("title", "a string", options?.title);
  if (!Array.isArray(options.sections))
    throw invalidOption("sections", "a list of sections", options.sections);
  const body: string[] = [`<h1>${escapeHtml(options.title)}</h1>`];
  for (const section of options.sections) {
    if (section.heading !== undefined) body.push(`<h2>${escapeHtml(section.heading)}</h2>`);
    if (section.text !== undefined) {
      for (const paragraph of section.text.split(/\n\s*\n/))
        body.push(`<p>${paragraphHtml(paragraph.trim())}</p>`);
    }
    for (const fig of section.figures ?? []) body.push(`<div class="figure">${figureHtml(fig)}</div>`);
  }
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<title>${escapeHtml(options.title)}</title>`,
    "<style>body{font-family:system-ui,sans-serif;margin:24px;color:#111}p{max-width:60em}" +
      ".figure{margin:12px 0 28px}code{background:#f2f2f2;padding:0 3px;border-radius:3px}</style>",
    plotlyScriptHtml(),
    "</head>",
    "<body>",
    ...body,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
