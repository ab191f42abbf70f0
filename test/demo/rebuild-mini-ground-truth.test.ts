/**
 * The demo's rebuild step on the default mini set (seed 0, 40 scenes): its newSrc samples get Open
 * Images-format CSVs and a labelled .mat, and `buildGroundTruth` on them (no request: the files are verified
 * in the cache) gives back exactly the boxes the set drew, negatives included.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { buildMiniGrit } from "../../src/demo/build-mini-grit.js";
import { rebuildMiniGroundTruth } from "../../src/demo/rebuild-mini-ground-truth.js";
import { loadSamples } from "../../src/grit/samples.js";

const tmp = await mkdtemp(join(tmpdir(), "gritloc-minigt-"));
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

test("gt build on the mini set's Open Images CSVs and labelled .mat gives back every drawn box of its newSrc samples", async () => {
  const mini = await buildMiniGrit({ dir: join(tmp, "mini-grit") });
  const gt = await rebuildMiniGroundTruth(mini, join(tmp, "mini-grit", "gt-sources"));
  const newSrc = mini.samples.filter((s) => s.meta!.isNewSource && !s.meta!.isDistorted);
  assert.equal(gt.build.records.length, newSrc.length);
  assert.deepEqual([gt.sources.openImagesSamples, gt.sources.nyuv2Samples], [23, 9]);
  assert.deepEqual(gt.disagreeing, []);
  const rebuilt = await loadSamples(gt.build.groundTruthPath);
  const drawn = new Map(newSrc.map((s) => [s.exampleId, s.groundTruth!.bboxes]));
  for (const s of rebuilt) assert.deepEqual(s.groundTruth!.bboxes, drawn.get(s.exampleId), s.exampleId);
  const r = gt.build.report;
  assert.deepEqual(r.totals, { samples: 32, records: 32, empty: 10, unresolved: 0, notRebuilt: 0 });
  assert.equal(
    r.counts.open_images?.other?.emptyVerifiedAbsent,
    7,
    "every Open Images-like negative is verified absent",
  );
  assert.equal(r.rules.nyuv2BoxEnd, "exclusive");
  assert.ok(
    r.inputs.every((d) => d.reused && d.recorded),
    "every annotation file came from the cache, verified",
  );
  const manifest = JSON.parse(await readFile(gt.sources.manifestPath, "utf8"));
  assert.match(manifest.groundTruth.open_images.boxes.url, /\.invalid\//);
});
