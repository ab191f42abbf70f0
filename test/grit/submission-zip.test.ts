import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { strFromU8, unzipSync } from "fflate";
import { isGritlocError } from "../../src/errors.js";
import { loadPredictions } from "../../src/grit/load-predictions.js";
import { writeSubmissionZip } from "../../src/grit/submission-zip.js";
import type { PredictionProblem } from "../../src/grit/validate-predictions.js";
import { validatePredictions } from "../../src/grit/validate-predictions.js";
import { fixturePath } from "../support/fixtures.js";

const tmp = mkdtempSync(join(tmpdir(), "gritloc-zip-"));

// Fixture: peer/adapting-clip-ablation-localization.json (21,078 real entries) and peer/params.json.
const peerPath = fixturePath("peer", "adapting-clip-ablation-localization.json");

test("the peer submission loads, validates against samples built from its ids, and round-trips through a zip", async () => {
  const peer = await loadPredictions(peerPath);
  assert.equal(peer.entries.length, 21078);
  const samples = peer.entries.map((e) => ({ exampleId: e.exampleId }));
  assert.deepEqual(validatePredictions(samples, peer.entries), []);

  const out = join(tmp, "ablation.zip");
  const result = await writeSubmissionZip({
    entries: peer.entries,
    samples,
    paramsInMillions: 428,
    subset: "ablation",
    out,
  });
  assert.equal(result.entryCount, 21078);
  const back = await loadPredictions(out);
  assert.deepEqual(back.entries, peer.entries);
  assert.deepEqual([back.paramsInMillions, back.subset, back.format], [428, "ablation", "zip"]);
  assert.deepEqual(
    readdirSync(tmp).filter((n) => n.endsWith(".tmp")),
    [],
    "no temp file left behind",
  );
});

test("the zip holds exactly one top folder with params.json and localization.json in the samples' order", async () => {
  const samples = [{ exampleId: "s1" }, { exampleId: "s2" }, { exampleId: "s3" }];
  const entries = [
    { exampleId: "s3", confidence: 1, bboxes: [] },
    { exampleId: "s1", confidence: 0.25, bboxes: [[1.5, 2, 3, 4] as const] },
    { exampleId: "s2", confidence: 0, bboxes: [[0, 0, 1, 1] as const, [2, 2, 3, 3] as const] },
  ];
  const out = join(tmp, "nested", "test.zip");
  await writeSubmissionZip({ entries, samples, paramsInMillions: 87, subset: "test", out });
  const files = unzipSync(readFileSync(out));
  assert.deepEqual(Object.keys(files).sort(), ["test/localization.json", "test/params.json"]);
  assert.deepEqual(new Set(Object.keys(files).map((n) => n.split("/")[0])), new Set(["test"]));
  assert.deepEqual(JSON.parse(strFromU8(files["test/params.json"])), { params_in_millions: 87 });
  assert.deepEqual(JSON.parse(strFromU8(files["test/localization.json"])), [
    { example_id: "s1", confidence: 0.25, bboxes: [[1.5, 2, 3, 4]] },
    {
      example_id: "s2",
      confidence: 0,
      bboxes: [
        [0, 0, 1, 1],
        [2, 2, 3, 3],
      ],
    },
    { example_id: "s3", confidence: 1, bboxes: [] },
  ]);
});

test("an invalid submission is never written and the problem list travels in details", async () => {
  const out = join(tmp, "rejected.zip");
  writeFileSync(out, "previous contents");
  const samples = [{ exampleId: "a" }, { exampleId: "b" }];
  await assert.rejects(
    writeSubmissionZip({
      entries: [{ exampleId: "a", confidence: Number.NaN, bboxes: [[5, 0, 1, 1]] }],
      samples,
      paramsInMillions: 1,
      subset: "ablation",
      out,
    }),
    (e) => {
      assert.ok(isGritlocError(e, "E_SUBMISSION_INVALID"));
      assert.match(e.message, /^3 problems for .*rejected\.zip \(1 confidence, 1 inverted_box, 1 missing\):/);
      assert.match(e.message, /Nothing was written\. Run `gritloc validate` for the full list\.$/);
      assert.deepEqual(
        (e.details as PredictionProblem[]).map((p) => p.kind),
        ["confidence", "inverted_box", "missing"],
      );
      return true;
    },
  );
  assert.equal(readFileSync(out, "utf8"), "previous contents");
});

test("bad options are rejected before any work", async () => {
  const base = {
    entries: [],
    samples: [{ exampleId: "a" }],
    paramsInMillions: 1,
    subset: "ablation" as const,
    out: join(tmp, "x.zip"),
  };
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ subset: "val" }, /Expected "ablation" or "test" for subset but received "val"/],
    [
      { paramsInMillions: 87.9 },
      /Expected a non-negative integer \(millions of parameters, e\.g\. 428\) for paramsInMillions but received 87\.9/,
    ],
    [{ paramsInMillions: -1 }, /for paramsInMillions but received -1/],
    [{ out: "" }, /Expected an output file path for out/],
    [{ samples: [] }, /Expected a non-empty list of samples for samples/],
  ];
  for (const [change, pattern] of cases) {
    await assert.rejects(
      writeSubmissionZip({ ...base, ...change } as Parameters<typeof writeSubmissionZip>[0]),
      (e) => isGritlocError(e, "E_INVALID_OPTION") && pattern.test(e.message),
    );
  }
  assert.equal(existsSync(base.out), false);
});
