/**
 * End to end with RegionCLIP on the demo's mini GRIT set: `gritloc infer --model regionclip` (the fixture's
 * tiny model from its release-format .pth files, default grit mode) → `gritloc merge` to localization.json and
 * an ablation zip → `gritloc validate` accepts it.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { main } from "../../src/cli/main.js";
import { buildMiniGrit } from "../../src/demo/build-mini-grit.js";
import { REGIONCLIP_DEFAULTS } from "../../src/models/regionclip/options.js";
import { regionClipCases } from "../models/regionclip/support/regionclip-fixture.js";
import { captureIo } from "../support/cli-io.js";
import { fixturePath, readFixtureJson } from "../support/fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "gritloc-regionclip-infer-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("gritloc infer --model regionclip → merge → a submission that validate accepts (demo mini set)", async () => {
  const set = await buildMiniGrit({ dir: join(dir, "mini"), scenes: 8 });
  const classNames = join(dir, "names.txt");
  writeFileSync(
    classNames,
    regionClipCases("regionclip")
      .vocabulary.map((v) => v.lvis_name)
      .join("\n"),
  );
  const heads = readFixtureJson<{ topology: { text: { heads: number } } }>("regionclip", "model.json")
    .topology.text.heads;
  const run = join(dir, "run");
  const infer = captureIo();
  const argv = [
    "infer",
    ...["--samples", set.samplesPath, "--images", set.imagesDir, "--run", run],
    ...["--model", "regionclip", "--weights", fixturePath("regionclip", "regionclip.pth")],
    ...["--rpn-weights", fixturePath("regionclip", "rpn.pth")],
    ...["--class-embeddings", fixturePath("regionclip", "concept_emb.pth"), "--class-names", classNames],
    ...["--vocab", fixturePath("clip", "bpe_simple_vocab_16e6.txt.gz"), "--option", `textHeads=${heads}`],
    ...["--threads", "1", "--provider", "cpu", "--cache-dir", join(dir, "cache")],
  ];
  assert.equal(await main(argv, infer), 0, infer.err.join(""));
  const rows = JSON.parse(readFileSync(set.samplesPath, "utf8")) as { input: { example_id: string } }[];
  const samples = rows.map((row) => row.input);
  assert.match(infer.out.join(""), new RegExp(`finished: ${samples.length} predictions and 0 failures`));

  const out = join(dir, "localization.json");
  const zip = join(dir, "ablation.zip");
  const merge = captureIo();
  const mergeArgs = ["merge", "--run", run, "--samples", set.samplesPath, "--out", out, "--zip", zip];
  assert.equal(await main([...mergeArgs, "--subset", set.subset], merge), 0, merge.err.join(""));
  const validate = captureIo();
  assert.equal(
    await main(["validate", "--samples", set.samplesPath, "--predictions", zip], validate),
    0,
    validate.out.join(""),
  );

  const predictions = JSON.parse(readFileSync(out, "utf8")) as {
    example_id: string;
    confidence: number;
    bboxes: number[][];
  }[];
  assert.deepEqual(
    predictions.map((p) => p.example_id),
    samples.map((s) => s.example_id),
  );
  for (const p of predictions) {
    assert.ok(p.confidence >= 0 && p.confidence <= 1, `${p.example_id}: confidence ${p.confidence}`);
    assert.ok(p.bboxes.length <= REGIONCLIP_DEFAULTS.maxBoxes, `${p.example_id}: ${p.bboxes.length} boxes`);
    if (p.bboxes.length === 0) assert.equal(p.confidence, 0, `${p.example_id}: no box, confidence 0`);
    for (const [x1, y1, x2, y2] of p.bboxes)
      assert.ok(x1 < x2 && y1 < y2, `${p.example_id}: a non-empty box`);
  }
  const runJson = readFileSync(join(run, "run.json"), "utf8");
  assert.match(runJson, /regionclip/);
});
