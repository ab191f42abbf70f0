import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { strToU8, zipSync } from "fflate";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../support/cli-io.js";
import { fixturePath } from "../support/fixtures.js";

const tmp = mkdtempSync(join(tmpdir(), "gritloc-validate-cli-"));
// Fixture: grit/examples/samples.json (example-localization_0 and _1).
const samples = fixturePath("grit", "examples", "samples.json");

function writePreds(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

test("valid predictions: exit 0 with a one-line summary", async () => {
  const preds = writePreds(
    "ok.json",
    JSON.stringify([
      { example_id: "example-localization_0", confidence: 0.5, bboxes: [[414, 263, 484, 308]] },
      { example_id: "example-localization_1", confidence: 1, bboxes: [] },
    ]),
  );
  const io = captureIo();
  assert.equal(await main(["validate", "--samples", samples, "--predictions", preds], io), 0);
  assert.equal(io.out.join(""), `${preds}: valid (2 predictions for 2 samples)\n`);
});

test("invalid predictions: exit 1 with every problem listed", async () => {
  const preds = writePreds(
    "bad.json",
    '[{"example_id": "example-localization_0", "confidence": NaN, "bboxes": [[414, 263, 400, 308]]},\n' +
      ' {"example_id": "stray", "confidence": 0.5, "bboxes": []}]',
  );
  const io = captureIo();
  assert.equal(await main(["validate", "--samples", samples, "--predictions", preds], io), 1);
  assert.equal(
    io.out.join(""),
    `${preds}: INVALID\n` +
      `4 problems in ${preds} (1 confidence, 1 inverted_box, 1 unknown, 1 missing):\n` +
      '  - entry 0 (example_id "example-localization_0"): confidence is NaN (Python\'s json writes NaN/Infinity for non-finite floats; JSON and the leaderboard do not accept them)\n' +
      '  - entry 0 (example_id "example-localization_0"): bboxes[0] has x2 < x1 ([414,263,400,308])\n' +
      '  - entry 1 (example_id "stray"): example_id is not in the samples\n' +
      '  - missing prediction for example_id "example-localization_1"\n',
  );
  const json = captureIo();
  assert.equal(await main(["validate", "--samples", samples, "--predictions", preds, "--json"], json), 1);
  const report = JSON.parse(json.out.join(""));
  assert.equal(report.ok, false);
  assert.equal(report.problems.length, 4);
});

test("a zip without params.json or with a wrong top folder is invalid", async () => {
  const entries = strToU8(
    JSON.stringify([
      { example_id: "example-localization_0", confidence: 0.5, bboxes: [] },
      { example_id: "example-localization_1", confidence: 0.5, bboxes: [] },
    ]),
  );
  const zip = join(tmp, "no-params.zip");
  writeFileSync(zip, zipSync({ "val/localization.json": entries }));
  const io = captureIo();
  assert.equal(await main(["validate", "--samples", samples, "--predictions", zip], io), 1);
  assert.equal(
    io.out.join(""),
    `${zip}: INVALID\n  - the zip's top folder is "val", expected "ablation" or "test"\n  - the zip has no val/params.json\n`,
  );
});

test("one box with both sides swapped is one problem, counted in words", async () => {
  const preds = writePreds(
    "swapped.json",
    JSON.stringify([
      { example_id: "example-localization_0", confidence: 0.5, bboxes: [[484, 308, 414, 263]] },
      { example_id: "example-localization_1", confidence: 1, bboxes: [] },
    ]),
  );
  const io = captureIo();
  assert.equal(await main(["validate", "--samples", samples, "--predictions", preds], io), 1);
  assert.equal(
    io.out.join(""),
    `${preds}: INVALID\n1 problem in ${preds} (1 inverted_box):\n` +
      '  - entry 0 (example_id "example-localization_0"): bboxes[0] has x2 < x1 and y2 < y1 ([484,308,414,263])\n',
  );
});

test("boxes partly outside the image are valid with a warning that says what GRIT's scorer does", async () => {
  // The fixture's samples record their image size: 640×480 for _0.
  const preds = writePreds(
    "outside.json",
    JSON.stringify([
      { example_id: "example-localization_0", confidence: 0.5, bboxes: [[-4, 263, 484, 500]] },
      { example_id: "example-localization_1", confidence: 1, bboxes: [] },
    ]),
  );
  const io = captureIo();
  assert.equal(await main(["validate", "--samples", samples, "--predictions", preds], io), 0);
  assert.equal(io.out.join(""), `${preds}: valid (2 predictions for 2 samples)\n`);
  assert.equal(
    io.err.join(""),
    'warn: 1 box lies partly outside its image, e.g. entry 0 (example_id "example-localization_0"): ' +
      "bboxes[0] [-4,263,484,500] has x1 < 0 and y2 > 480 (the image height). GRIT's scorer " +
      "(metrics/localization.py) accepts them and computes IoU on the box as given, without clipping, so the " +
      "part outside the image only adds to the box's area and lowers its IoU. Clip boxes to [0, width] × " +
      "[0, height] to avoid that.\n",
  );
  const json = captureIo();
  assert.equal(await main(["validate", "--samples", samples, "--predictions", preds, "--json"], json), 0);
  assert.equal(JSON.parse(json.out.join("")).boxesOutsideImage.length, 1);
});
