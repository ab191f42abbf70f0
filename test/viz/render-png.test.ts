import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { BoxXyxy } from "../../src/grit/box.js";
import type { RgbImage } from "../../src/vision/image.js";
import { boxesFigure } from "../../src/viz/boxes-figure.js";
import { gridFigure } from "../../src/viz/grid-figure.js";
import { createRenderer, type FigureRenderer, renderPng } from "../../src/viz/render-png.js";
import type { SampleView } from "../../src/viz/sample-view.js";
import { decodePng, isBlue, isRed, panelPixel } from "./figure-geometry.js";

// One browser for the whole file: launching chromium takes seconds.
let renderer: FigureRenderer;
let dir: string;
before(async () => {
  renderer = await createRenderer();
  dir = await mkdtemp(join(tmpdir(), "gritloc-viz-test-"));
});
after(async () => {
  await renderer?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function solid(width: number, height: number, rgb: readonly [number, number, number]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) data.set(rgb, i);
  return { data, width, height };
}

/** Colour distance small enough to say "this is the image's own colour" (PNG of a flat colour is exact). */
function near(a: readonly number[], b: readonly number[], tol = 6): boolean {
  return a.every((v, i) => Math.abs(v - b[i]) <= tol);
}

test("a single-sample PNG has the layout's size, red on the predicted edges, blue on the ground-truth edges", async () => {
  const view: SampleView = {
    image: solid(400, 300, [90, 160, 90]),
    query: "dog",
    predicted: { bboxes: [[50, 40, 250, 200]], confidence: 0.8 },
    groundTruth: [[150, 120, 350, 260]],
  };
  const fig = await boxesFigure(view);
  assert.equal(fig.layout.width, 420);
  assert.equal(fig.layout.height, 380);
  const path = join(dir, "single.png");
  const bytes = await renderer.renderPng(fig, path);
  assert.deepEqual(new Uint8Array(await readFile(path)), bytes);
  const png = await decodePng(bytes);
  assert.equal(png.width, 420);
  assert.equal(png.height, 380);
  const at = (x: number, y: number) => {
    const { px, py } = panelPixel(fig, 1, x, y);
    return png.rgb(px, py);
  };
  for (const [x, y] of [
    [50, 120], // predicted left edge
    [100, 200], // predicted bottom edge
    [250, 80], // predicted right edge
  ]) {
    assert.ok(isRed(at(x, y)), `predicted edge at image (${x}, ${y}) should be red, got ${at(x, y)}`);
  }
  for (const [x, y] of [
    [350, 190], // ground-truth right edge
    [300, 260], // ground-truth bottom edge
    [150, 230], // ground-truth left edge (outside the predicted box)
  ]) {
    assert.ok(isBlue(at(x, y)), `ground-truth edge at image (${x}, ${y}) should be blue, got ${at(x, y)}`);
  }
  // The photo itself, away from the boxes, in each corner: it fills exactly its axes.
  for (const [x, y] of [
    [5, 5],
    [395, 5],
    [5, 295],
    [395, 295],
  ]) {
    assert.ok(near(at(x, y), [90, 160, 90]), `image pixel at (${x}, ${y}) got ${at(x, y)}`);
  }
  // Just outside the image is the white page.
  const { px, py } = panelPixel(fig, 1, 0, 0);
  assert.deepEqual(png.rgb(px - 3, py + 20), [255, 255, 255]);
});

test("scale 2 doubles the PNG and every position", async () => {
  const view: SampleView = {
    image: solid(300, 200, [120, 120, 120]),
    query: "cup",
    predicted: { bboxes: [[30, 30, 150, 170]], confidence: 0.5 },
  };
  const fig = await boxesFigure(view);
  const png = await decodePng(await renderer.render(fig, { scale: 2 }));
  assert.equal(png.width, (fig.layout.width as number) * 2);
  assert.equal(png.height, (fig.layout.height as number) * 2);
  const { px, py } = panelPixel(fig, 1, 30, 100);
  assert.ok(isRed(png.rgb(px * 2, py * 2)), `got ${png.rgb(px * 2, py * 2)}`);
});

test("the 4×4 grid PNG puts each sample's image and boxes in its own panel", async () => {
  const sizes: [number, number][] = [
    [400, 300],
    [300, 400],
    [640, 480],
    [500, 500],
  ];
  const views: SampleView[] = [];
  for (let i = 0; i < 16; i++) {
    const [w, h] = sizes[i % 4];
    // A distinct, neither-red-nor-blue colour per panel proves the right image landed in the right cell.
    const colour = [60 + i * 8, 180 - i * 5, 70 + i * 3] as const;
    const pred: BoxXyxy = [0.1 * w, 0.15 * h, 0.55 * w, 0.6 * h];
    const gt: BoxXyxy = [0.4 * w, 0.45 * h, 0.9 * w, 0.85 * h];
    views.push({
      image: solid(w, h, colour),
      query: `query ${i}`,
      predicted: { bboxes: [pred], confidence: i / 15 },
      groundTruth: [gt],
    });
  }
  const fig = await gridFigure(views, { title: "grid" });
  const path = join(dir, "grid.png");
  await renderer.renderPng(fig, path);
  const png = await decodePng(await readFile(path));
  assert.equal(png.width, fig.layout.width);
  assert.equal(png.height, fig.layout.height);
  assert.equal(png.width, 4 * 240 + 3 * 10 + 20);
  for (let i = 0; i < 16; i++) {
    const { width: w, height: h } = views[i].image;
    const at = (fx: number, fy: number) => {
      const { px, py } = panelPixel(fig, i + 1, fx * w, fy * h);
      return png.rgb(px, py);
    };
    assert.ok(isRed(at(0.1, 0.35)), `panel ${i}: predicted left edge should be red, got ${at(0.1, 0.35)}`);
    assert.ok(isRed(at(0.3, 0.6)), `panel ${i}: predicted bottom edge should be red, got ${at(0.3, 0.6)}`);
    assert.ok(
      isBlue(at(0.9, 0.7)),
      `panel ${i}: ground-truth right edge should be blue, got ${at(0.9, 0.7)}`,
    );
    assert.ok(
      isBlue(at(0.7, 0.85)),
      `panel ${i}: ground-truth bottom edge should be blue, got ${at(0.7, 0.85)}`,
    );
    const colour = [60 + i * 8, 180 - i * 5, 70 + i * 3];
    assert.ok(near(at(0.95, 0.05), colour), `panel ${i}: image colour ${colour}, got ${at(0.95, 0.05)}`);
    assert.ok(near(at(0.05, 0.95), colour), `panel ${i}: image colour ${colour}, got ${at(0.05, 0.95)}`);
  }
});

test("missing chromium → E_TOOL_MISSING naming the path and `apt-get install chromium`", async () => {
  const saved = process.env.GRITLOC_CHROMIUM;
  process.env.GRITLOC_CHROMIUM = "/nonexistent";
  try {
    const fig = { data: [], layout: { width: 100, height: 100 } };
    for (const attempt of [() => createRenderer(), () => renderPng(fig, join(dir, "never.png"))]) {
      await assert.rejects(attempt(), (error: Error & { code?: string }) => {
        assert.equal(error.code, "E_TOOL_MISSING");
        assert.match(error.message, /\/nonexistent \(from GRITLOC_CHROMIUM\)/);
        assert.match(error.message, /apt-get install chromium/);
        return true;
      });
    }
  } finally {
    if (saved === undefined) delete process.env.GRITLOC_CHROMIUM;
    else process.env.GRITLOC_CHROMIUM = saved;
  }
});

test("render options are checked before any work", async () => {
  const fig = { data: [], layout: { width: 100, height: 100 } };
  await assert.rejects(renderer.render(fig, { width: 5 }), {
    code: "E_INVALID_OPTION",
    message: "Expected an integer from 10 to 8000 (pixels) for width but received 5 of type number",
  });
  await assert.rejects(renderer.render(fig, { scale: 0 }), { message: /for scale/ });
  await assert.rejects(renderer.render({ layout: {} } as never), { message: /for fig/ });
});
