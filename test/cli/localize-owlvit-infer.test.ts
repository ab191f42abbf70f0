/**
 * End to end with OWL-ViT: a handful of images drawn with sharp, GRIT-format samples, `gritloc infer --model
 * owlvit` (the fixture's tiny seeded model), then `gritloc merge` to localization.json + an ablation zip that
 * `gritloc validate` accepts, in both output modes.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import sharp from "sharp";
import { inferOptions } from "../../src/cli/infer.js";
import { main } from "../../src/cli/main.js";
import { writeOwlVitCheckpoint } from "../models/owlvit/support/owlvit-fixture.js";
import { captureIo } from "../support/cli-io.js";

const dir = mkdtempSync(join(tmpdir(), "gritloc-owlvit-infer-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const files = writeOwlVitCheckpoint("owlvit", dir);
const model = [
  "--model",
  "owlvit",
  "--weights",
  files.weights,
  "--config",
  files.config,
  "--vocab",
  files.vocab,
];

/** Four images (two sizes, both orientations) with a coloured rectangle; six samples, two images with two. */
async function makeSet(): Promise<{ samples: string; images: string; sizes: Map<string, [number, number]> }> {
  const images = join(dir, "images");
  const specs: [string, number, number, string][] = [
    ["coco/test2015/COCO_test2015_000000000001.jpg", 320, 240, "#c03020"],
    ["coco/test2015/COCO_test2015_000000000002.jpg", 200, 300, "#2040c0"],
    ["nyuv2/7.jpg", 160, 120, "#20a040"],
    ["open_images/test/0a1b2c3d4e5f6071.jpg", 256, 256, "#e0c020"],
  ];
  const sizes = new Map<string, [number, number]>();
  for (const [id, width, height, color] of specs) {
    mkdirSync(join(images, id, ".."), { recursive: true });
    const square = Buffer.from(
      `<svg width="${width}" height="${height}"><rect width="100%" height="100%" fill="#808080"/>` +
        `<rect x="${width / 4}" y="${height / 4}" width="${width / 2}" height="${height / 3}" fill="${color}"/></svg>`,
    );
    await sharp(square).jpeg().toFile(join(images, id));
    sizes.set(id, [width, height]);
  }
  const rows: [string, string, string][] = [
    ["coco_loc_test-reserve_cup_1", specs[0][0], "cup"],
    ["coco_loc_test-reserve_red thing_1", specs[0][0], "red thing"],
    ["coco_loc_test-reserve_cup_2_dist", specs[1][0], "cup"],
    ["nyuv2_loc_test_table_7", specs[2][0], "table"],
    ["open_images_loc_test_yellow box_0a1b2c3d4e5f6071", specs[3][0], "yellow box"],
    [
      "open_images_loc_test_a very long query about a small yellow box in the very middle of a plain grey picture",
      specs[3][0],
      "a very long query about a small yellow box in the very middle of a plain grey picture",
    ],
  ];
  const samples = join(dir, "localization.json");
  writeFileSync(
    samples,
    JSON.stringify(
      rows.map(([example_id, image_id, task_query]) => ({
        example_id,
        image_id,
        task_name: "localization",
        task_query,
        task_bbox: null,
        output_options: null,
      })),
    ),
  );
  return { samples, images, sizes };
}

test("infer --model owlvit maps its flags to an owlvit ModelSpec with --option values", () => {
  const options = inferOptions([
    "--samples",
    "s.json",
    "--images",
    "img",
    "--run",
    "r",
    ...model,
    "--preprocessor-config",
    "p.json",
    "--option",
    "mode=hf",
    "--option",
    "maxBoxes=3",
  ]);
  assert.deepEqual(options.model, {
    family: "owlvit",
    weights: files.weights,
    config: files.config,
    vocab: files.vocab,
    preprocessorConfig: "p.json",
    options: { mode: "hf", maxBoxes: 3 },
  });
  assert.throws(
    () => inferOptions(["--samples", "s", "--images", "i", "--run", "r", ...model, "--alpha", "0.5"]),
    /no value with --model owlvit for --alpha/,
  );
});

for (const mode of ["grit", "hf"] as const) {
  test(`gritloc infer --model owlvit (${mode}) → merge → a submission that validate accepts`, async () => {
    const set = await makeSet();
    const run = join(dir, `run-${mode}`);
    const io = captureIo();
    const argv = ["infer", "--samples", set.samples, "--images", set.images, "--run", run, ...model];
    const tuning = [
      "--option",
      `mode=${mode}`,
      "--threads",
      "1",
      "--provider",
      "cpu",
      "--cache-dir",
      join(dir, "cache"),
    ];
    assert.equal(await main([...argv, ...tuning], io), 0, io.err.join(""));
    assert.match(io.out.join(""), /finished: 6 predictions and 0 failures/);

    const out = join(dir, `localization-${mode}.json`);
    const zip = join(dir, `ablation-${mode}.zip`);
    const merge = captureIo();
    const mergeArgs = [
      "merge",
      "--run",
      run,
      "--samples",
      set.samples,
      "--out",
      out,
      "--zip",
      zip,
      "--subset",
      "ablation",
    ];
    assert.equal(await main(mergeArgs, merge), 0, merge.err.join(""));
    const validate = captureIo();
    assert.equal(
      await main(["validate", "--samples", set.samples, "--predictions", zip], validate),
      0,
      validate.out.join(""),
    );

    const predictions = JSON.parse(readFileSync(out, "utf8")) as {
      example_id: string;
      confidence: number;
      bboxes: number[][];
    }[];
    const samples = JSON.parse(readFileSync(set.samples, "utf8")) as {
      example_id: string;
      image_id: string;
    }[];
    assert.deepEqual(
      predictions.map((p) => p.example_id),
      samples.map((s) => s.example_id),
    );
    for (const [i, p] of predictions.entries()) {
      const [width, height] = set.sizes.get(samples[i].image_id)!;
      assert.ok(p.confidence >= 0 && p.confidence <= 1, `${p.example_id}: confidence ${p.confidence}`);
      if (mode === "grit") {
        // grit: 1..maxBoxes boxes inside the image; confidence = their mean score, so > 0.
        assert.ok(p.bboxes.length >= 1 && p.bboxes.length <= 10, `${p.example_id}: ${p.bboxes.length} boxes`);
        for (const [x1, y1, x2, y2] of p.bboxes)
          assert.ok(0 <= x1 && x1 < x2 && x2 <= width && 0 <= y1 && y1 < y2 && y2 <= height);
        assert.ok(p.confidence > 0);
      }
    }
    const runJson = JSON.parse(readFileSync(join(run, "run.json"), "utf8")) as {
      model: string;
      optionsHash: string;
    };
    assert.match(JSON.stringify(runJson), /owlvit/);
  });
}
