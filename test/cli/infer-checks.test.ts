/**
 * `gritloc infer` checks its flags before the slow work: each case below names a slicvit checkpoint that does
 * not exist, so a check made after the model started loading would report the missing weights instead.
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../support/cli-io.js";
import { fixturePath } from "../support/fixtures.js";

const tmp = mkdtempSync(join(tmpdir(), "gritloc-infer-checks-"));
// Fixture: grit/examples/samples.json (two samples; image ids relative to grit/examples).
const samples = fixturePath("grit", "examples", "samples.json");
const images = fixturePath("grit", "examples");
const noWeights = ["--weights", join(tmp, "none.safetensors"), "--vocab", join(tmp, "none.txt.gz")];

async function infer(run: string, flags: string[]): Promise<{ code: number; err: string }> {
  const io = captureIo();
  const code = await main(["infer", "--samples", samples, "--run", run, ...flags], io);
  return { code, err: io.err.join("") };
}

test("a missing --images folder stops at once, before the model loads and without failing any sample", async () => {
  const run = join(tmp, "no-images");
  const { code, err } = await infer(run, ["--images", join(tmp, "nope"), "--model", "slicvit", ...noWeights]);
  assert.equal(code, 1);
  assert.match(
    err,
    new RegExp(`^error \\[E_NOT_FOUND\\]: images folder not found: ${join(tmp, "nope")}\\. `),
  );
  assert.deepEqual(readdirSync(tmp).includes("no-images"), false, "no run folder, no journal");
});

test("an unknown --provider, or an --option key the family does not take, fails before the model loads", async () => {
  const run = join(tmp, "bad-flags");
  const model = ["--images", images, "--model", "slicvit", ...noWeights];
  const provider = await infer(run, [...model, "--provider", "tpu"]);
  assert.equal(provider.code, 2);
  assert.match(provider.err, /Expected "auto", "cpu" or "cuda" for --provider but received "tpu"/);
  const option = await infer(run, [...model, "--option", "bogus=1"]);
  assert.equal(option.code, 2);
  assert.match(option.err, /unknown --option key "bogus" for --model slicvit\. Its keys: alpha, temperature/);
  const owlOption = await infer(
    run,
    [...model.slice(0, 3), "owlvit", "--config", "c.json", ...noWeights].concat(["--option", "maxBox=3"]),
  );
  assert.match(owlOption.err, /unknown --option key "maxBox" for --model owlvit\. Did you mean maxBoxes\?/);
  const regionOption = await infer(
    run,
    [...model.slice(0, 3), "regionclip", ...noWeights].concat(["--option", "minScor=0.3"]),
  );
  assert.equal(regionOption.code, 2);
  assert.match(
    regionOption.err,
    /unknown --option key "minScor" for --model regionclip\. Did you mean minScore\?/,
  );
});

test("a run folder started with another model is refused before this worker's model loads", async () => {
  const run = join(tmp, "smoke-run");
  const first = await infer(run, ["--images", images, "--model", "smoke", "--limit", "0", "--threads", "0"]);
  assert.equal(first.code, 0, first.err);
  const other = await infer(run, ["--images", images, "--model", "slicvit", ...noWeights]);
  assert.equal(other.code, 1);
  assert.match(
    other.err,
    /error \[E_JOURNAL_MISMATCH\]: Run folder .*smoke-run was started with model smoke\/smoke \(random, seed 0\); this worker asks for another \(family smoke → slicvit\)\. /,
  );
  const options = await infer(run, ["--images", images, "--model", "smoke", "--alpha", "0.5", "--seed", "2"]);
  assert.equal(options.code, 1);
  assert.match(options.err, /asks for another \(seed 0 → 2, alpha 0\.75 → 0\.5\)/);
  assert.doesNotMatch(options.err, /RANDOM weights/, "the smoke model was not made");
});

test("the summary counts in words: 1 prediction, 1 failure, 1 sample failed", async () => {
  const someImages = join(tmp, "some-images");
  mkdirSync(join(someImages, "images"), { recursive: true });
  copyFileSync(
    join(images, "images", "localization_0.png"),
    join(someImages, "images", "localization_0.png"),
  );
  const io = captureIo();
  const args = ["infer", "--samples", samples, "--images", someImages, "--run", join(tmp, "one-failed")];
  assert.equal(await main([...args, "--model", "smoke", "--threads", "0", "--n-segments", "4"], io), 1);
  const out = io.out.join("");
  assert.match(out, /^finished: 1 prediction and 1 failure by worker /);
  assert.match(out, /: 2\/2 samples done, 1 failed, 0 left\.\n/);
  assert.match(out, /\n1 sample failed; fix the cause/);
});
