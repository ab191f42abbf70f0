/**
 * Where a command cannot read or write a path the user gave, it fails with a coded error naming that path
 * (never "internal error" with a stack, never a temp file's name), exits 1 and writes nothing.
 */
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import "../../src/cli/demo.js";
import "../../src/cli/infer.js";
import "../../src/cli/submit.js";
import "../../src/cli/validate.js";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../support/cli-io.js";
import { fixturePath } from "../support/fixtures.js";
import { withoutPrivileges } from "../support/without-privileges.js";

const tmp = mkdtempSync(join(tmpdir(), "gritloc-file-errors-"));
chmodSync(tmp, 0o755); // nobody (see withoutPrivileges) must reach the fixtures below
after(() => chmodSync(readOnly, 0o755));

// Fixture: grit/examples/samples.json (two samples).
const samples = fixturePath("grit", "examples", "samples.json");
const predictions = join(tmp, "predictions.json");
writeFileSync(
  predictions,
  JSON.stringify([
    { example_id: "example-localization_0", confidence: 0.5, bboxes: [[414, 263, 484, 308]] },
    { example_id: "example-localization_1", confidence: 0.25, bboxes: [[646, 560, 881, 650]] },
  ]),
);
const aFile = join(tmp, "a-file");
writeFileSync(aFile, "not a folder");
const readOnly = join(tmp, "read-only");
mkdirSync(readOnly);
chmodSync(readOnly, 0o555);

function submitArgs(out: string): string[] {
  return ["submit", "--samples", samples, "--predictions", predictions, "--params-millions", "1"].concat([
    "--subset",
    "ablation",
    "--out",
    out,
  ]);
}

/** Runs the command; returns its exit code and stderr (asserting there is no stack trace). */
async function run(args: string[]): Promise<{ code: number; err: string }> {
  const io = captureIo();
  const code = await withoutPrivileges(() => main(args, io));
  const err = io.err.join("");
  assert.doesNotMatch(err, /internal error|\n\s+at /);
  return { code, err };
}

test("submit --out below a file: E_FILE_ACCESS naming the output and the file in the way", async () => {
  const out = join(aFile, "x.zip");
  const { code, err } = await run(submitArgs(out));
  assert.equal(code, 1);
  assert.equal(
    err,
    `error [E_FILE_ACCESS]: cannot write ${out}: ${aFile} is a file, not a folder. ` +
      "Choose another location, or move that file away.\n",
  );
});

test("submit --out into an unwritable folder: E_FILE_ACCESS naming the output, not the temp file", async () => {
  const out = join(readOnly, "ablation.zip");
  const { code, err } = await run(submitArgs(out));
  assert.equal(code, 1);
  assert.equal(
    err,
    `error [E_FILE_ACCESS]: Permission denied: cannot write ${out}. Choose a location you can write, or ` +
      "change its permissions.\n",
  );
  assert.deepEqual(readdirSync(readOnly), []);
});

test("submit --out below /proc fails at once instead of hanging in mkdir", { timeout: 30_000 }, async () => {
  const out = "/proc/gritloc-no-such-folder/x.zip";
  const { code, err } = await run(submitArgs(out));
  assert.equal(code, 1);
  assert.match(err, /^error \[E_FILE_ACCESS\]: cannot write \/proc\/gritloc-no-such-folder\/x\.zip: /);
});

test("setup --root below /proc fails at once instead of hanging in mkdir", { timeout: 30_000 }, async () => {
  const { code, err } = await run([
    "setup",
    "grit",
    "--root",
    "/proc/gritloc-no-such-folder/grit",
    "--subset",
    "ablation",
  ]);
  assert.equal(code, 1);
  assert.match(err, /^error \[E_FILE_ACCESS\]: cannot write \/proc\/gritloc-no-such-folder\/grit: /);
});

test("validate on an unreadable file: E_FILE_ACCESS naming it", async () => {
  const unreadable = join(tmp, "unreadable.json");
  writeFileSync(unreadable, "[]");
  chmodSync(unreadable, 0o000);
  const { code, err } = await run(["validate", "--samples", samples, "--predictions", unreadable]);
  assert.equal(code, 1);
  assert.equal(
    err,
    `error [E_FILE_ACCESS]: Permission denied: cannot read ${unreadable}. Choose a location you can read, or ` +
      "change its permissions.\n",
  );
});

test("validate on a folder: E_FILE_ACCESS saying it is a folder", async () => {
  const { code, err } = await run(["validate", "--samples", samples, "--predictions", tmp]);
  assert.equal(code, 1);
  assert.equal(
    err,
    `error [E_FILE_ACCESS]: cannot read ${tmp}: it is a folder, not a file. Give the path of a file.\n`,
  );
});

test("demo --out in an unwritable folder: E_FILE_ACCESS naming the demo folder", async () => {
  const out = join(readOnly, "demo");
  const { code, err } = await run(["demo", "--out", out, "--no-png"]);
  assert.equal(code, 1);
  assert.match(err, /^error \[E_FILE_ACCESS\]: Permission denied: cannot write /m);
  assert.ok(err.includes(`(no access to ${out})`), err);
  assert.doesNotMatch(err, /\.tmp/);
});

test("infer --run naming a file: E_FILE_ACCESS naming it, before the model loads", async () => {
  const args = ["infer", "--samples", samples, "--images", tmp, "--run", aFile, "--model", "smoke"];
  const { code, err } = await run(args);
  assert.equal(code, 1);
  assert.equal(
    err,
    `error [E_FILE_ACCESS]: cannot use ${aFile} as the run folder: it is a file, not a folder. Give --run a ` +
      "folder (it is created on first use).\n",
  );
});

test("infer --run below a file: E_FILE_ACCESS naming the file in the way", async () => {
  const runDir = join(aFile, "run");
  const args = ["infer", "--samples", samples, "--images", tmp, "--run", runDir, "--model", "smoke"];
  const { code, err } = await run(args);
  assert.equal(code, 1);
  assert.match(err, /^error \[E_FILE_ACCESS\]: cannot write /);
  assert.ok(err.includes(`${aFile} is a file, not a folder`), err);
});
