/**
 * `gritloc localize --model owlvit --json` end to end (decode → PIL-exact resize → OWL-ViT graphs → post-processing)
 * against every `owlvit*` fixture folder, and its JSON shape against the slicvit family's.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { main } from "../../src/cli/main.js";
import {
  owlVitCases,
  owlVitFixtureFolders,
  readF32,
  readI32,
  writeOwlVitCheckpoint,
} from "../models/owlvit/support/owlvit-fixture.js";
import { assertClose } from "../support/assert-close.js";
import { captureIo } from "../support/cli-io.js";
import { fixturePath } from "../support/fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "gritloc-cli-owlvit-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const common = ["--provider", "cpu", "--cache-dir", join(dir, "cache")];

interface LocalizeJson {
  image: string;
  width: number;
  height: number;
  model: string;
  results: { query: string; bboxes: number[][]; confidence: number }[];
}

async function localize(argv: string[]): Promise<LocalizeJson> {
  const io = captureIo();
  const code = await main(["localize", ...argv, "--json", ...common], io);
  assert.equal(code, 0, io.err.join(""));
  return JSON.parse(io.out.join("")) as LocalizeJson;
}

function owlVitArgs(folder: string): string[] {
  const files = writeOwlVitCheckpoint(folder, mkdtempSync(join(dir, `${folder}-`)));
  return [
    "--model",
    "owlvit",
    "--weights",
    files.weights,
    "--config",
    files.config,
    "--vocab",
    files.vocab,
    "--preprocessor-config",
    fixturePath(folder, "preprocessor_config.json"),
  ];
}

for (const folder of owlVitFixtureFolders()) {
  // Fixture: <folder>/logits.f32 + pred_boxes.f32 (HF outputs) and post_*.{f32,i32} (HF post_process_object_detection
  // on the original image, all queries at once). `localize` post-processes each query on its own (as HF with that one
  // query), so the expected set of query q is every patch with sigmoid(logit[p, q]) > threshold, its box
  // cxcywh → xyxy × [W, H, W, H]; and every patch HF's joint call labelled q must be among them with HF's box.
  // Tolerances from the fixture README: boxes 1e-2 px, scores 1e-5; kept sets exact (no score within 2.9e-4 of 0.1).
  test(`gritloc localize --model owlvit --option mode=hf reproduces ${folder}/'s per-query HF post-processing`, async () => {
    const cases = owlVitCases(folder);
    const image = fixturePath(folder, cases.image);
    const threshold = cases.post_process.threshold;
    const json = await localize([
      ...owlVitArgs(folder),
      "--image",
      image,
      ...cases.queries.flatMap((q) => ["-q", q]),
      "--option",
      "mode=hf",
      "--option",
      `scoreThreshold=${threshold}`,
    ]);
    assert.deepEqual([json.image, json.width, json.height], [image, ...cases.image_size_wh]);
    // The display name defaults to the weights' folder (models fetch puts each model in its own folder).
    assert.ok(json.model.startsWith(`${folder}-`), json.model);
    const [width, height] = cases.image_size_wh;
    const logits = readF32(folder, "logits.f32");
    const predBoxes = readF32(folder, "pred_boxes.f32");
    const nq = cases.queries.length;
    const patches = predBoxes.length / 4;
    const labels = readI32(folder, "post_labels.i32");
    const postBoxes = readF32(folder, "post_boxes.f32");
    for (const [q, result] of json.results.entries()) {
      assert.equal(result.query, cases.queries[q]);
      const kept: number[] = [];
      for (let p = 0; p < patches; p++) if (1 / (1 + Math.exp(-logits[p * nq + q])) > threshold) kept.push(p);
      assert.equal(result.bboxes.length, kept.length, `"${result.query}": number of kept boxes`);
      const expectedBoxes = kept.flatMap((p) => {
        const [cx, cy, w, h] = predBoxes.subarray(p * 4, p * 4 + 4);
        return [(cx - w / 2) * width, (cy - h / 2) * height, (cx + w / 2) * width, (cy + h / 2) * height];
      });
      assertClose(result.bboxes.flat(), expectedBoxes, { atol: 1e-2 }, `"${result.query}" boxes`);
      const bestLogit = Math.max(...kept.map((p) => logits[p * nq + q]));
      assertClose([result.confidence], [1 / (1 + Math.exp(-bestLogit))], { atol: 1e-5 }, "confidence");
      for (const i of labels.keys()) {
        if (labels[i] !== q) continue;
        const hfBox = [...postBoxes.subarray(i * 4, i * 4 + 4)];
        const found = result.bboxes.some((box) => box.every((v, k) => Math.abs(v - hfBox[k]) <= 1e-2));
        assert.ok(found, `"${result.query}": HF's kept box ${hfBox} (label ${q}) is missing`);
      }
    }
  });
}

test("gritloc localize --model owlvit prints the same JSON shape as the slicvit family", async () => {
  const image = fixturePath("owlvit", "coffee_orig.png");
  const owl = await localize([
    ...owlVitArgs("owlvit"),
    "--image",
    image,
    "-q",
    "a cup of coffee",
    "-q",
    "spoon.",
  ]);
  const slic = await localize([
    "--model",
    "smoke",
    "--image",
    image,
    "-q",
    "a cup of coffee",
    "-q",
    "spoon.",
  ]);
  const shape = (j: LocalizeJson) => ({
    top: Object.keys(j),
    result: j.results.map((r) => Object.keys(r)),
    boxes: j.results.map((r) => r.bboxes.every((b) => b.length === 4 && b.every(Number.isFinite))),
    types: [typeof j.image, typeof j.width, typeof j.height, typeof j.model],
  });
  assert.deepEqual(shape(owl), shape(slic));
  // grit mode (the default): at least one box per query, at most maxBoxes (10), confidence in [0, 1].
  for (const r of owl.results) {
    assert.ok(r.bboxes.length >= 1 && r.bboxes.length <= 10);
    assert.ok(r.confidence >= 0 && r.confidence <= 1);
  }
});

test("gritloc localize --model owlvit names a missing --config, a bad --option and slicvit-only flags", async () => {
  const args = owlVitArgs("owlvit");
  const image = ["--image", fixturePath("owlvit", "coffee_orig.png"), "-q", "cup"];
  const cases: [string[], RegExp][] = [
    [[...args.filter((a, i) => a !== "--config" && args[i - 1] !== "--config"), ...image], /--config/],
    [[...args, ...image, "--option", "mode=paper"], /Expected "grit" or "hf" for mode but received "paper"/],
    [[...args, ...image, "--option", "maxBoxes"], /key=value .* for --option but received "maxBoxes"/],
    [[...args, ...image, "--alpha", "0.5"], /no value with --model owlvit for --alpha/],
    [
      ["--model", "owl", ...image],
      /"slicvit", "smoke", "owlvit" or "regionclip" for --model but received "owl"/,
    ],
  ];
  for (const [argv, message] of cases) {
    const io = captureIo();
    assert.equal(await main(["localize", ...argv, ...common], io), 2, io.err.join(""));
    assert.match(io.err.join(""), message);
  }
});
