import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { strFromU8, unzipSync } from "fflate";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../support/cli-io.js";
import { fixturePath } from "../support/fixtures.js";

const tmp = mkdtempSync(join(tmpdir(), "gritloc-submit-cli-"));
// Fixture: grit/examples/samples.json (two samples).
const samples = fixturePath("grit", "examples", "samples.json");
const e0 = { example_id: "example-localization_0", confidence: 0.5, bboxes: [[414, 263, 484, 308]] };
const e1 = { example_id: "example-localization_1", confidence: 0.25, bboxes: [[646, 560, 881, 650]] };

function writePreds(name: string, entries: unknown[]): string {
  const path = join(tmp, name);
  writeFileSync(path, JSON.stringify(entries));
  return path;
}

test("submit merges two halves (overlap allowed) into a leaderboard zip", async () => {
  const head = writePreds("head.json", [e1, e0]);
  const tail = writePreds("tail.json", [e0]);
  const out = join(tmp, "ablation.zip");
  const io = captureIo();
  const code = await main(
    [
      "submit",
      "--samples",
      samples,
      "--predictions",
      head,
      tail,
      "--params-millions",
      "428",
      "--subset",
      "ablation",
      "--out",
      out,
    ],
    io,
  );
  assert.equal(code, 0, io.err.join(""));
  assert.match(io.out.join(""), /^wrote .*ablation\.zip \(2 predictions, \d+ bytes\)\n$/);
  const files = unzipSync(readFileSync(out));
  assert.deepEqual(Object.keys(files).sort(), ["ablation/localization.json", "ablation/params.json"]);
  assert.deepEqual(JSON.parse(strFromU8(files["ablation/localization.json"])), [e0, e1]);
  assert.deepEqual(JSON.parse(strFromU8(files["ablation/params.json"])), { params_in_millions: 428 });
});

test("an incomplete submission exits 1, lists the problems and writes nothing", async () => {
  const out = join(tmp, "partial.zip");
  const io = captureIo();
  const args = [
    "submit",
    "--samples",
    samples,
    "--predictions",
    writePreds("half.json", [e0]),
    "--params-millions",
    "1",
    "--subset",
    "test",
    "--out",
    out,
  ];
  assert.equal(await main(args, io), 1);
  assert.match(
    io.err.join(""),
    /error \[E_SUBMISSION_INVALID\]: 1 problem for .*partial\.zip \(1 missing\):\n {2}- missing prediction for example_id "example-localization_1"\nNothing was written/,
  );
  assert.equal(existsSync(out), false);
});

test("conflicting duplicates across files exit 1 naming both", async () => {
  const io = captureIo();
  const a = writePreds("a.json", [e0, e1]);
  const b = writePreds("b.json", [{ ...e0, confidence: 0.9 }]);
  const args = [
    "submit",
    "--samples",
    samples,
    "--predictions",
    a,
    "--predictions",
    b,
    "--params-millions",
    "1",
    "--subset",
    "test",
    "--out",
    join(tmp, "c.zip"),
  ];
  assert.equal(await main(args, io), 1);
  assert.match(
    io.err.join(""),
    /example_id "example-localization_0": list 0 entry 0 and list 1 entry 0 differ/,
  );
});

test("a bad subset or parameter count is a usage error", async () => {
  const preds = writePreds("all.json", [e0, e1]);
  const base = ["submit", "--samples", samples, "--predictions", preds, "--out", join(tmp, "x.zip")];
  const subset = captureIo();
  assert.equal(await main([...base, "--params-millions", "1", "--subset", "val"], subset), 2);
  assert.match(subset.err.join(""), /Expected "ablation" or "test" for --subset but received "val"/);
  const params = captureIo();
  assert.equal(await main([...base, "--params-millions", "87.9", "--subset", "test"], params), 2);
  assert.match(params.err.join(""), /Expected an integer ≥ 0 for --params-millions but received "87\.9"/);
});

test("a box partly outside its image is submitted as it is, with a warning", async () => {
  const outside = { ...e1, bboxes: [[646, 560, 1100, 650]] }; // the image is 1024 wide
  const out = join(tmp, "outside.zip");
  const io = captureIo();
  const args = ["submit", "--samples", samples, "--predictions", writePreds("outside.json", [e0, outside])];
  assert.equal(await main([...args, "--params-millions", "1", "--subset", "ablation", "--out", out], io), 0);
  assert.match(io.out.join(""), /^wrote .*outside\.zip \(2 predictions, \d+ bytes\)\n$/);
  assert.match(
    io.err.join(""),
    /^warn: 1 box lies partly outside its image, e\.g\. entry 1 .* has x2 > 1024 \(the image width\)\. GRIT's scorer/,
  );
  const files = unzipSync(readFileSync(out));
  assert.deepEqual(JSON.parse(strFromU8(files["ablation/localization.json"]))[1], outside);
});
