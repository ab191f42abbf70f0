import assert from "node:assert/strict";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import sharp from "sharp";
import { main } from "../../src/cli/main.js";
import type { RgbImage } from "../../src/vision/image.js";
import { gridFigure } from "../../src/viz/grid-figure.js";
import { captureIo } from "../support/cli-io.js";
import { fixturePath } from "../support/fixtures.js";
import { decodePng, isBlue, isRed, panelPixel } from "../viz/figure-geometry.js";

// Fixture: grit/examples (the two GRIT localization examples with ground truth, images under examples/images).
const SAMPLES = fixturePath("grit", "examples", "samples.json");
const IMAGES = fixturePath("grit", "examples");
const GT0 = [414, 263, 484, 308];
const GT1 = [646, 560, 881, 650];
const PRED0 = [380, 230, 520, 340];
const PRED1 = [600, 520, 900, 700];

let dir: string;
let predictions: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "gritloc-visualize-test-"));
  predictions = join(dir, "localization.json");
  await writeFile(
    predictions,
    JSON.stringify([
      { example_id: "example-localization_0", confidence: 0.5, bboxes: [PRED0] },
      { example_id: "example-localization_1", confidence: 0.9, bboxes: [PRED1] },
    ]),
  );
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function loadRgb(path: string): Promise<RgbImage> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

test("visualize --out grid.png draws both examples: red predicted and blue ground-truth edges where expected", async () => {
  const out = join(dir, "sub", "grid.png");
  const io = captureIo();
  const code = await main(
    ["visualize", "--samples", SAMPLES, "--predictions", predictions, "--images", IMAGES, "--out", out],
    io,
  );
  assert.equal(code, 0, io.err.join(""));
  assert.match(io.out.join(""), /^wrote .*grid\.png \(2 samples, mean score 0\.\d{3} over 2 samples\)\n$/);
  const png = await decodePng(await readFile(out));
  // The same layout, rebuilt here, says where each box lands (2 panels → 2 columns of 240 px).
  const views = [
    { image: await loadRgb(join(IMAGES, "images/localization_0.png")), query: "baking dish" },
    { image: await loadRgb(join(IMAGES, "images/localization_1.png")), query: "tire" },
  ];
  // The geometry depends on whether there is a title, not on its text.
  const fig = await gridFigure(views, { title: "any" });
  assert.deepEqual([png.width, png.height], [fig.layout.width, fig.layout.height]);
  const at = (n: number, x: number, y: number) => {
    const { px, py } = panelPixel(fig, n, x, y);
    return png.rgb(px, py);
  };
  assert.ok(isRed(at(1, PRED0[0], 320)), `panel 1 predicted left edge: ${at(1, PRED0[0], 320)}`);
  assert.ok(isBlue(at(1, GT0[2], 290)), `panel 1 ground-truth right edge: ${at(1, GT0[2], 290)}`);
  assert.ok(isRed(at(2, 750, PRED1[3])), `panel 2 predicted bottom edge: ${at(2, 750, PRED1[3])}`);
  assert.ok(isBlue(at(2, GT1[0], 620)), `panel 2 ground-truth left edge: ${at(2, GT1[0], 620)}`);
});

test("visualize --out report.html writes a self-contained report with the grid and the score histogram", async () => {
  const out = join(dir, "report.html");
  const io = captureIo();
  const code = await main(
    [
      "visualize",
      "--samples",
      SAMPLES,
      "--predictions",
      predictions,
      "--images",
      IMAGES,
      "--out",
      out,
      "--ids",
      "example-localization_1",
    ],
    io,
  );
  assert.equal(code, 0, io.err.join(""));
  const html = await readFile(out, "utf8");
  assert.ok(html.startsWith("<!doctype html>"));
  assert.ok(html.includes("<h2>Samples</h2>") && html.includes("<h2>Scores</h2>"));
  assert.ok(html.includes("Shown: example-localization_1."));
  assert.equal(html.split('class="gritloc-figure"').length - 1, 2, "grid + histogram");
  assert.ok(html.includes("window.Plotly=") || html.includes("window.Plotly ="), "plotly.js inlined");
});

test("--gt supplies the ground truth for public-format samples", async () => {
  const publicSamples = join(dir, "public.json");
  const extended = JSON.parse(await readFile(SAMPLES, "utf8")) as { input: unknown }[];
  await writeFile(publicSamples, JSON.stringify(extended.map((s) => s.input)));
  const base = ["visualize", "--samples", publicSamples, "--predictions", predictions, "--images", IMAGES];
  const without = captureIo();
  assert.equal(await main([...base, "--out", join(dir, "a.html")], without), 0, without.err.join(""));
  assert.match(without.out.join(""), /\(2 samples\)\n$/, "no ground truth, no score");
  const withGt = captureIo();
  assert.equal(await main([...base, "--gt", SAMPLES, "--out", join(dir, "b.html")], withGt), 0);
  assert.match(withGt.out.join(""), /mean score 0\.\d{3} over 2 samples/);
});

test("bad flags and inputs fail with clear messages and exit codes", async () => {
  const base = ["visualize", "--samples", SAMPLES, "--predictions", predictions, "--images", IMAGES];
  const cases: [string[], number, RegExp][] = [
    [
      [...base, "--out", join(dir, "x.jpg")],
      2,
      /a path ending in \.png \(grid picture\) or \.html \(report\) for out/,
    ],
    [[...base, "--out", join(dir, "x.html"), "--ids", "nope,example-localization_0"], 2, /1 unknown: nope/],
    [[...base, "--out", join(dir, "x.html"), "--n", "0"], 2, /--n/],
    [["visualize", "--samples", SAMPLES, "--predictions", predictions, "--out", "x.png"], 2, /--images/],
    [[...base, "--out", join(dir, "x.html"), "--images", join(dir, "nowhere")], 1, /localization_0\.png/],
  ];
  for (const [argv, expected, message] of cases) {
    const io = captureIo();
    assert.equal(await main(argv, io), expected, `${argv.join(" ")}: ${io.err.join("")}`);
    assert.match(io.err.join(""), message);
  }
});

test("malformed predictions are reported with the example id (E_PREDICTIONS_INVALID)", async () => {
  const bad = join(dir, "bad.json");
  await writeFile(
    bad,
    JSON.stringify([{ example_id: "example-localization_0", confidence: 1.5, bboxes: [] }]),
  );
  const io = captureIo();
  const code = await main(
    [
      "visualize",
      "--samples",
      SAMPLES,
      "--predictions",
      bad,
      "--images",
      IMAGES,
      "--out",
      join(dir, "y.png"),
    ],
    io,
  );
  assert.equal(code, 1);
  assert.match(io.err.join(""), /E_PREDICTIONS_INVALID.*\n?.*example-localization_0/);
});

test("without chromium a PNG fails with E_TOOL_MISSING and the install hint", async () => {
  const saved = process.env.GRITLOC_CHROMIUM;
  process.env.GRITLOC_CHROMIUM = "/nonexistent";
  try {
    const io = captureIo();
    const code = await main(
      [
        "visualize",
        "--samples",
        SAMPLES,
        "--predictions",
        predictions,
        "--images",
        IMAGES,
        "--out",
        join(dir, "z.png"),
      ],
      io,
    );
    assert.equal(code, 1);
    assert.match(io.err.join(""), /E_TOOL_MISSING.*apt-get install chromium/);
  } finally {
    if (saved === undefined) delete process.env.GRITLOC_CHROMIUM;
    else process.env.GRITLOC_CHROMIUM = saved;
  }
});

test("visualize leaves out (and lists) a sample whose image cannot be decoded instead of aborting the grid", async () => {
  const images = join(dir, "broken-images");
  await mkdir(join(images, "images"), { recursive: true });
  await copyFile(join(IMAGES, "images/localization_0.png"), join(images, "images/localization_0.png"));
  const whole = await readFile(join(IMAGES, "images/localization_1.png"));
  await writeFile(join(images, "images/localization_1.png"), whole.subarray(0, 64));
  const out = join(dir, "skip.html");
  const io = captureIo();
  const argv = ["visualize", "--samples", SAMPLES, "--predictions", predictions, "--images", images];
  assert.equal(await main([...argv, "--out", out], io), 0, io.err.join(""));
  assert.match(io.out.join(""), /^wrote .*skip\.html \(1 sample, mean score/);
  assert.match(
    io.err.join(""),
    /skipped 1 sample whose image could not be read:\n {2}example-localization_1: \[E_IMAGE_DECODE\] .*localization_1\.png/,
  );
  const html = await readFile(out, "utf8");
  assert.match(html, /Shown: example-localization_0\./);
  assert.match(html, /Skipped \(image unreadable\): example-localization_1 \(E_IMAGE_DECODE\)\./);

  // With no readable image at all there is nothing to draw: a coded error naming the images folder.
  await rm(join(images, "images/localization_0.png"));
  const none = captureIo();
  assert.equal(await main([...argv, "--out", join(dir, "none.html")], none), 1);
  assert.match(none.err.join(""), /None of the 2 chosen samples' images could be read .*Check --images/);
});
