/**
 * PNG rendering: PlotlyFigure → PNG bytes, drawn by `Plotly.toImage` inside headless chromium (driven by
 * playwright-core) with plotly.js from the local package and the network switched off. One browser serves
 * many renders, since starting it takes about a second.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GritlocError, invalidOption } from "../errors.js";
import { findChromium } from "./chromium-path.js";
import type { PlotlyFigure } from "./figure.js";
import { plotlySource } from "./plotly-source.js";

/** Flags for a quiet, sandbox-free, offline headless browser (containers often forbid the sandbox). */
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
];

export interface RenderOptions {
  /** Figure width in CSS pixels. @default the layout's width (700 if it has none) */
  readonly width?: number;
  /** Figure height in CSS pixels. @default the layout's height (500 if it has none) */
  readonly height?: number;
  /** Device pixels per CSS pixel: the PNG is width·scale × height·scale. @default 1 */
  readonly scale?: number;
}

export interface RendererOptions {
  /** The chromium executable. @default `$GRITLOC_CHROMIUM`, else `/usr/bin/chromium` (see `findChromium`) */
  readonly chromiumPath?: string;
}

/** A started browser that renders figures; call `close()` when done. */
export interface FigureRenderer {
  /** Renders to PNG bytes. */
  render(fig: PlotlyFigure, options?: RenderOptions): Promise<Uint8Array>;
  /** Renders and writes the PNG to `path`; resolves to the bytes. */
  renderPng(fig: PlotlyFigure, path: string, options?: RenderOptions): Promise<Uint8Array>;
  /** Closes the browser and removes its temporary profile. */
  close(): Promise<void>;
}

interface ResolvedSize {
  readonly width: number;
  readonly height: number;
  readonly scale: number;
}

function resolveSize(fig: PlotlyFigure, options: RenderOptions): ResolvedSize {
  const width = options.width ?? fig.layout.width ?? 700;
  const height = options.height ?? fig.layout.height ?? 500;
  const scale = options.scale ?? 1;
  for (const [name, value] of [
    ["width", width],
    ["height", height],
  ] as const) {
    if (!Number.isInteger(value) || value < 10 || value > 8000) {
      throw invalidOption(name, "an integer from 10 to 8000 (pixels)", value);
    }
  }
  if (typeof scale !== "number" || !(scale > 0 && scale <= 8)) {
    throw invalidOption("scale", "a number in (0, 8]", scale);
  }
  return { width, height, scale };
}

/** What runs in the page: the figure through Plotly.toImage to a PNG data URL. */
async function toImageInPage(args: { fig: PlotlyFigure } & ResolvedSize): Promise<string> {
  const plotly = (globalThis as unknown as { Plotly: { toImage(f: unknown, o: unknown): Promise<string> } })
    .Plotly;
  const { fig, width, height, scale } = args;
  return await plotly.toImage(
    { data: fig.data, layout: fig.layout },
    { format: "png", width, height, scale },
  );
}

/**
 * Starts headless chromium with plotly.js loaded, ready to render many figures.
 * @throws GritlocError E_TOOL_MISSING when chromium is not installed or does not start.
 * @example
 * const renderer = await createRenderer();
 * try {
 *   for (const [i, fig] of figures.entries()) await renderer.renderPng(fig, `fig-${i}.png`);
 * } finally {
 *   await renderer.close();
 * }
 */
export async function createRenderer(options: RendererOptions = {}): Promise<FigureRenderer> {
  const executablePath =
    options.chromiumPath === undefined
      ? findChromium()
      : findChromium({ GRITLOC_CHROMIUM: options.chromiumPath });
  const source = plotlySource();
  const { chromium } = await import("playwright-core");
  const profile = await mkdtemp(join(tmpdir(), "gritloc-chromium-"));
  let context: Awaited<ReturnType<typeof chromium.launchPersistentContext>>;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: CHROMIUM_FLAGS,
      offline: true,
    });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw new GritlocError(
      "E_TOOL_MISSING",
      `chromium at ${executablePath} did not start: ${(error as Error).message.split("\n")[0]}. ` +
        "Reinstall it with `apt-get install chromium`, or point GRITLOC_CHROMIUM at another Chromium/Chrome.",
      { cause: error },
    );
  }
  const page = context.pages()[0] ?? (await context.newPage());
  // Nothing may leave the machine: figures embed their pictures as data URIs.
  await page.route(/^(https?|wss?|ftp):/, (route) => route.abort());
  await page.setContent("<!doctype html><html><head><meta charset='utf-8'></head><body></body></html>");
  await page.addScriptTag({ content: source });

  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  const render = (fig: PlotlyFigure, renderOptions: RenderOptions = {}): Promise<Uint8Array> => {
    if (closed) return Promise.reject(new GritlocError("E_INVALID_OPTION", "The renderer is closed."));
    if (
      typeof fig !== "object" ||
      fig === null ||
      !Array.isArray(fig.data) ||
      typeof fig.layout !== "object"
    ) {
      return Promise.reject(invalidOption("fig", "a plotly figure { data, layout }", fig));
    }
    let size: ResolvedSize;
    try {
      size = resolveSize(fig, renderOptions);
    } catch (error) {
      return Promise.reject(error);
    }
    // One render at a time keeps the page's memory bounded.
    const job = queue.then(async () => {
      let url: string;
      try {
        url = await page.evaluate(toImageInPage, { fig, ...size });
      } catch (error) {
        throw new GritlocError(
          "E_INVALID_OPTION",
          `plotly could not render the figure: ${(error as Error).message.split("\n")[0]}`,
          { cause: error },
        );
      }
      const comma = url.indexOf(",");
      return new Uint8Array(Buffer.from(url.slice(comma + 1), "base64"));
    });
    queue = job.catch(() => undefined);
    return job;
  };
  return {
    render,
    async renderPng(fig, path, renderOptions) {
      const bytes = await render(fig, renderOptions);
      await writeFile(path, bytes);
      return bytes;
    },
    async close() {
      if (closed) return;
      closed = true;
      await queue;
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Renders one figure to a PNG file (starts and stops a browser; use `createRenderer` for many figures).
 * @throws GritlocError E_TOOL_MISSING when chromium is missing (install with `apt-get install chromium`).
 * @example
 * await renderPng(await gridFigure(views), "grid.png", { scale: 2 });
 */
export async function renderPng(
  fig: PlotlyFigure,
  path: string,
  options: RenderOptions = {},
): Promise<Uint8Array> {
  const renderer = await createRenderer();
  try {
    return await renderer.renderPng(fig, path, options);
  } finally {
    await renderer.close();
  }
}
