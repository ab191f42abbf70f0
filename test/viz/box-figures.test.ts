import assert from "node:assert/strict";
import { test } from "node:test";
import sharp from "sharp";
import type { RgbImage } from "../../src/vision/image.js";
import { boxesFigure } from "../../src/viz/boxes-figure.js";
import { compareModelsFigure } from "../../src/viz/compare-figure.js";
import {
  GROUND_TRUTH_COLOR,
  type PlotlyFigure,
  type PlotlyTrace,
  PREDICTED_COLOR,
} from "../../src/viz/figure.js";
import { gridFigure } from "../../src/viz/grid-figure.js";
import { heatmapFigure } from "../../src/viz/heatmap-figure.js";
import type { SampleView } from "../../src/viz/sample-view.js";

function gradient(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set([i % 256, (i >> 3) % 256, 100], i * 3);
  return { data, width, height };
}

type Annotation = { text: string; xref: string; yref: string; x: number; y: number; bgcolor?: string };
type Image = { source: string; xref: string; yref: string; sizex: number; sizey: number; sizing: string };
const annotations = (fig: PlotlyFigure) => fig.layout.annotations as Annotation[];
const images = (fig: PlotlyFigure) => fig.layout.images as Image[];
const boxTraces = (fig: PlotlyFigure, color: string) =>
  fig.data.filter(
    (t) => (t.line as { color?: string })?.color === color && Array.isArray(t.x) && t.x.length > 1,
  );
const legend = (fig: PlotlyFigure) =>
  fig.data.filter((t) => t.showlegend === true).map((t) => [t.name, (t.line as { color: string }).color]);

const view: SampleView = {
  image: gradient(64, 48),
  query: "baking dish",
  predicted: { bboxes: [[10, 12, 40, 30]], confidence: 0.8125 },
  groundTruth: [
    [12, 14, 38, 28],
    [50, 5, 60, 20],
  ],
  score: 0.42,
};

test("boxesFigure: red predicted and blue ground-truth rectangles, legend, tag with query and confidence", async () => {
  const fig = await boxesFigure(view);
  assert.deepEqual(legend(fig), [
    ["predicted", PREDICTED_COLOR],
    ["ground truth", GROUND_TRUTH_COLOR],
  ]);
  const [pred] = boxTraces(fig, PREDICTED_COLOR);
  assert.deepEqual(pred.x, [10, 40, 40, 10, 10]);
  assert.deepEqual(pred.y, [12, 12, 30, 30, 12]);
  assert.equal(pred.xaxis, "x");
  const [gt] = boxTraces(fig, GROUND_TRUTH_COLOR);
  // Two boxes in one trace, separated by a gap.
  assert.deepEqual(gt.x, [12, 38, 38, 12, 12, null, 50, 60, 60, 50, 50]);
  const texts = annotations(fig).map((a) => a.text);
  assert.ok(texts.includes("baking dish"), `panel title in ${texts}`);
  assert.ok(texts.includes("conf 0.81 · 1 box · 2 gt · score 0.42"), `detail line in ${texts}`);
  const tag = annotations(fig).find((a) => a.text === "baking dish 0.81");
  assert.ok(tag, `tag in ${texts}`);
  assert.equal(tag.bgcolor, PREDICTED_COLOR);
  assert.deepEqual([tag.xref, tag.x, tag.y], ["x", 10, 12]);
});

test("boxesFigure: y points down, 1:1 pixels, the image is a PNG data URI covering [0, W] × [0, H]", async () => {
  const fig = await boxesFigure(view);
  const { xaxis, yaxis } = fig.layout as Record<string, Record<string, unknown>>;
  assert.deepEqual(xaxis.range, [0, 64]);
  assert.deepEqual(yaxis.range, [48, 0]);
  assert.equal(yaxis.scaleanchor, "x");
  assert.equal(yaxis.scaleratio, 1);
  const [img] = images(fig);
  assert.deepEqual([img.xref, img.yref, img.sizex, img.sizey, img.sizing], ["x", "y", 64, 48, "stretch"]);
  assert.match(img.source, /^data:image\/png;base64,/);
  const { data, info } = await sharp(Buffer.from(img.source.split(",")[1], "base64"))
    .raw()
    .toBuffer({ resolveWithObject: true });
  assert.deepEqual([info.width, info.height], [64, 48]);
  assert.deepEqual(new Uint8Array(data), view.image.data, "small images are embedded pixel for pixel");
  // The displayed aspect ratio equals the image's: domain widths in pixels are 64:48 scaled.
  const { width, height, margin } = fig.layout as {
    width: number;
    height: number;
    margin: Record<string, number>;
  };
  const dx = (xaxis.domain as number[])[1] - (xaxis.domain as number[])[0];
  const dy = (yaxis.domain as number[])[1] - (yaxis.domain as number[])[0];
  const ratio = (dx * (width - margin.l - margin.r)) / (dy * (height - margin.t - margin.b));
  assert.ok(Math.abs(ratio - 64 / 48) < 0.02, `displayed aspect ${ratio}`);
});

test("boxesFigure shrinks large photos to maxSize (×imageScale for the embedded picture)", async () => {
  const fig = await boxesFigure({ image: gradient(1000, 500), query: "q" }, { maxSize: 400, imageScale: 1 });
  const [img] = images(fig);
  const meta = await sharp(Buffer.from(img.source.split(",")[1], "base64")).metadata();
  assert.deepEqual([meta.width, meta.height], [400, 200]);
  assert.equal(fig.layout.width, 420);
});

test("a sample without prediction says so and has no red legend entry", async () => {
  const fig = await boxesFigure({ image: gradient(32, 32), query: "cat", groundTruth: [[1, 1, 5, 5]] });
  assert.deepEqual(legend(fig), [["ground truth", GROUND_TRUTH_COLOR]]);
  assert.ok(annotations(fig).some((a) => a.text === "no prediction · 1 gt"));
});

test("gridFigure: 16 samples make a 4×4 grid, one axis pair, picture and title per panel, in order", async () => {
  const views: SampleView[] = Array.from({ length: 16 }, (_, i) => ({
    image: gradient(40 + i, 30),
    query: `q${i}`,
    predicted: { bboxes: [[1, 1, 10, 10]], confidence: 0.5 },
  }));
  const fig = await gridFigure(views, { title: "grid" });
  assert.equal(images(fig).length, 16);
  for (let i = 0; i < 16; i++) {
    const n = i === 0 ? "" : String(i + 1);
    const xa = fig.layout[`xaxis${n}`] as { range: number[]; domain: number[] };
    assert.deepEqual(xa.range, [0, 40 + i]);
    assert.equal(images(fig)[i].xref, `x${n}`);
    assert.ok(annotations(fig).some((a) => a.text === `q${i}`));
  }
  // Column 4 is right of column 1, row 2 is below row 1.
  const d = (n: string, axis: "x" | "y") => (fig.layout[`${axis}axis${n}`] as { domain: number[] }).domain[0];
  assert.ok(d("4", "x") > d("", "x"));
  assert.ok(d("5", "y") < d("", "y"));
  assert.equal(d("5", "x"), d("", "x"));
  assert.equal((fig.layout.title as { text: string }).text, "grid");
  // Legend: one entry per colour however many panels.
  assert.deepEqual(legend(fig), [["predicted", PREDICTED_COLOR]]);
  assert.equal(fig.layout.width, 4 * 240 + 3 * 10 + 20);
});

test("gridFigure: 5 samples in 4 columns make 2 rows; bad input is rejected with the field named", async () => {
  const views = Array.from({ length: 5 }, () => ({ image: gradient(30, 30), query: "q" }));
  const fig = await gridFigure(views, { cellSize: 100 });
  assert.equal(fig.layout.height, 10 + 26 + 2 * (34 + 100) + 10 + 10);
  await assert.rejects(gridFigure([]), { code: "E_INVALID_OPTION", message: /for views/ });
  await assert.rejects(gridFigure(views, { columns: 0 }), {
    message: "Expected a positive integer for columns but received 0 of type number",
  });
  await assert.rejects(
    gridFigure([
      { image: gradient(30, 30), query: "q", predicted: { bboxes: [[1, 2, 3]] as never, confidence: 1 } },
    ]),
    { message: /for views\[0\]\.predicted\.bboxes\[0\]/ },
  );
  await assert.rejects(
    gridFigure([{ image: gradient(30, 30), query: "q", predicted: { bboxes: [], confidence: 1.5 } }]),
    {
      message:
        "Expected a number from 0 to 1 for views[0].predicted.confidence but received 1.5 of type number",
    },
  );
});

test("compareModelsFigure: one column per model with its own predictions, ground truth everywhere", async () => {
  const views: SampleView[] = [
    { image: gradient(50, 40), query: "cup", groundTruth: [[5, 5, 20, 20]] },
    { image: gradient(40, 50), query: "dog", groundTruth: [[1, 1, 9, 9]] },
  ];
  const fig = await compareModelsFigure(views, [
    {
      name: "SLICViT",
      predictions: [{ bboxes: [[2, 2, 30, 30]], confidence: 0.5 }, undefined],
      scores: [0.3, 0],
    },
    {
      name: "OWL-ViT",
      predictions: [
        { bboxes: [[6, 6, 19, 19]], confidence: 0.9 },
        { bboxes: [[2, 2, 8, 8]], confidence: 0.7 },
      ],
    },
  ]);
  const texts = annotations(fig).map((a) => a.text);
  assert.ok(texts.includes("<b>SLICViT</b>") && texts.includes("<b>OWL-ViT</b>"), `${texts}`);
  const red = boxTraces(fig, PREDICTED_COLOR);
  assert.deepEqual(
    red.map((t) => [t.xaxis, (t.x as number[])[0]]),
    [
      ["x", 2], // row 1, SLICViT
      ["x2", 6], // row 1, OWL-ViT
      ["x4", 2], // row 2, OWL-ViT (SLICViT has none)
    ],
  );
  assert.equal(boxTraces(fig, GROUND_TRUTH_COLOR).length, 4);
  assert.ok(texts.includes("no prediction · 1 gt · score 0.00"), `${texts}`);
  assert.ok(texts.includes("conf 0.90 · 1 box · 1 gt"), `${texts}`);
  await assert.rejects(compareModelsFigure(views, [{ name: "A", predictions: [undefined] }]), {
    message: /for models\[0\]\.predictions but received an array of length 1/,
  });
});

test("heatmapFigure: the overlay picture, an invisible inferno heatmap for hover and colour bar, boxes on top", async () => {
  const heat = new Float32Array(224 * 224);
  heat[100 * 224 + 100] = 1;
  const fig = await heatmapFigure(view, { data: heat, width: 224, height: 224 });
  const hm = fig.data[0] as PlotlyTrace & { z: number[][]; colorscale: [number, string][] };
  assert.equal(hm.type, "heatmap");
  assert.equal(hm.opacity, 0);
  assert.equal(hm.showscale, true);
  assert.equal(hm.z.length, 56);
  assert.equal(hm.z[0].length, 56);
  assert.deepEqual(hm.colorscale[0], [0, "rgb(0,0,4)"]);
  assert.deepEqual([hm.x0, hm.dx], [64 / 56 / 2, 64 / 56]);
  assert.equal(boxTraces(fig, PREDICTED_COLOR).length, 1);
  // The embedded picture is the blend, not the raw image.
  const source = images(fig)[0].source;
  const { data } = await sharp(Buffer.from(source.split(",")[1], "base64"))
    .raw()
    .toBuffer({ resolveWithObject: true });
  assert.notDeepEqual(new Uint8Array(data), view.image.data);
  await assert.rejects(heatmapFigure(view, { data: new Float32Array(3), width: 2, height: 2 }), {
    message: /heatmap\.data\.length/,
  });
});
