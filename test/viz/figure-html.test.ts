import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { chromium } from "playwright-core";
import { findChromium } from "../../src/viz/chromium-path.js";
import type { PlotlyFigure } from "../../src/viz/figure.js";
import { figureHtml, plotlyScriptHtml, showFigure } from "../../src/viz/figure-html.js";
import { plotlySource } from "../../src/viz/plotly-source.js";
import { reportHtml } from "../../src/viz/report-html.js";

const fig: PlotlyFigure = {
  data: [{ type: "bar", x: ["a", "b"], y: [1, 2], name: "</script><b>x</b>" }],
  layout: { width: 300, height: 200, title: { text: "t" } },
};

const count = (text: string, part: string) => text.split(part).length - 1;

test("plotly.js comes from the installed plotly.js-dist-min package, whole and minified", () => {
  const source = plotlySource();
  assert.ok(source.length > 1_000_000, `plotly.js is ${source.length} chars`);
  assert.match(source.slice(0, 300), /plotly\.js v\d+\.\d+\.\d+/);
  assert.match(plotlyScriptHtml(), /^<script type="text\/javascript">[\s\S]*<\/script>$/);
});

test("figureHtml: a sized div and a script that draws it; JSON cannot close the script early", () => {
  const html = figureHtml(fig, { id: "f1" });
  assert.match(html, /<div id="f1" class="gritloc-figure" style="width:300px;height:200px;"><\/div>/);
  assert.equal(count(html, "</script>"), 1, "only the script's own closing tag");
  assert.ok(html.includes("\\u003c/script>\\u003cb>x\\u003c/b>"), "'<' escaped inside the JSON");
  assert.ok(!html.includes(plotlySource().slice(0, 1000)), "no plotly.js unless asked");
  const withJs = figureHtml(fig, { includePlotlyJs: true });
  assert.ok(withJs.startsWith(plotlyScriptHtml()));
  assert.notEqual(figureHtml(fig).match(/id="([^"]+)"/)?.[1], figureHtml(fig).match(/id="([^"]+)"/)?.[1]);
});

test('showFigure inlines plotly.js once by default, every time with "always", never with "never"', () => {
  const shown: string[] = [];
  const display = { html: (h: string) => shown.push(h) };
  showFigure(display, fig);
  showFigure(display, fig);
  showFigure(display, fig, { includePlotlyJs: "always" });
  showFigure(display, fig, { includePlotlyJs: "never" });
  const has = shown.map((h) => h.includes(plotlyScriptHtml()));
  assert.deepEqual(has, [true, false, true, false]);
});

test("reportHtml: one page, plotly.js once in the head, escaped text, every figure", () => {
  const html = reportHtml({
    title: "Run <1>",
    sections: [
      { heading: "Scores", text: "first & one\n\nsecond: run `gritloc score`", figures: [fig, fig] },
      { heading: "Samples", figures: [fig] },
    ],
  });
  assert.ok(html.startsWith("<!doctype html>"));
  assert.equal(count(html, plotlyScriptHtml()), 1);
  assert.ok(html.indexOf(plotlyScriptHtml()) < html.indexOf("<body>"));
  assert.ok(html.includes("<h1>Run &lt;1&gt;</h1>"));
  assert.ok(html.includes("<p>first &amp; one</p>\n<p>second: run <code>gritloc score</code></p>"));
  assert.equal(count(html, 'class="gritloc-figure"'), 3);
  assert.throws(() => reportHtml({ title: "x", sections: "no" as never }), { message: /for sections/ });
});

test("the report actually draws its figures in a browser, offline", async () => {
  const dir = await mkdtemp(join(tmpdir(), "gritloc-html-test-"));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: findChromium(),
    headless: true,
    args: ["--no-sandbox", "--disable-gpu"],
    offline: true,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.setContent(reportHtml({ title: "r", sections: [{ figures: [fig, fig] }] }));
    await page.waitForFunction(() => {
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } })
        .document;
      return doc.querySelectorAll(".gritloc-figure .main-svg").length >= 2;
    });
    const bars = await page.locator(".gritloc-figure .point").count();
    assert.equal(bars, 4, "two bars in each of two figures");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await rm(dir, { recursive: true, force: true });
  }
});
