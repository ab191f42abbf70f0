import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, truncate } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { main } from "../../src/cli/main.js";
import type { SetupReport } from "../../src/data/setup-report.js";
import { buildMiniGrit, type MiniGrit } from "../../src/demo/build-mini-grit.js";
import { captureIo } from "../support/cli-io.js";

// The demo's mini set names images of GRIT's sources and images of no known source (its own scenes): verify
// must decode all of them and give a verdict that matches what it found.
let dir: string;
let mini: MiniGrit;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "gritloc-verify-"));
  mini = await buildMiniGrit({ dir, scenes: 8 });
});
after(async () => rm(dir, { recursive: true, force: true }));

async function verify(): Promise<{ code: number; out: string; report: SetupReport }> {
  const io = captureIo();
  const code = await main(["setup", "verify", "--root", mini.root, "--samples", mini.samplesPath], io);
  const report = JSON.parse(await readFile(join(mini.root, "setup-report.json"), "utf8")) as SetupReport;
  return { code, out: io.out.join(""), report };
}

test("setup verify decodes every image of the demo set, of known source or not, and says it is complete", async () => {
  const { code, out, report } = await verify();
  assert.equal(code, 0, out);
  const known = Object.values(report.sources).reduce((n, s) => n + s.present, 0);
  assert.ok(report.other.referenced > 0, "the mini set has images of no known source");
  assert.equal(known + report.other.present, mini.images.length);
  assert.equal(report.images, mini.images.length);
  assert.equal(report.complete, true);
  assert.match(out, / {2}other\s+\d+\s+\d+\s+0\s+0\s+\d+\n/);
  assert.match(out, /Complete: every image is present and decodes\.\n$/);
});

test("setup verify finds a corrupt image of no known source and does not promise to fetch it", async () => {
  const first = await verify();
  const victim = first.report.unknown[0] as string;
  await truncate(join(mini.imagesDir, victim), 100);
  const { code, out, report } = await verify();
  assert.equal(code, 1);
  assert.deepEqual(
    report.corrupt.map((c) => c.imageId),
    [victim],
  );
  assert.equal(report.other.corrupt, 1);
  assert.equal(report.complete, false);
  assert.match(
    out,
    /Incomplete: 0 missing, 1 corrupt\. 1 of them belong to no known source, so setup cannot fetch them/,
  );
  assert.doesNotMatch(out, /Rerun|setup grit --root/);
});
