import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { isGritlocError } from "../../src/errors.js";
import { groundTruthCoverage } from "../../src/grit/coverage.js";
import { readGroundTruthKind } from "../../src/grit/ground-truth-kind.js";
import { loadSamples } from "../../src/grit/samples.js";
import { scoreNotice } from "../../src/grit/score-notice.js";
import { fixturePath } from "../support/fixtures.js";

const tmp = mkdtempSync(join(tmpdir(), "gritloc-gt-kind-"));

/** A folder with a samples path and, when given, this gt-report.json text. */
function folder(name: string, report?: string): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  if (report !== undefined) writeFileSync(join(dir, "gt-report.json"), report);
  return join(dir, "localization.json");
}

test("no gt-report.json beside the samples: kind null", async () => {
  assert.deepEqual(await readGroundTruthKind(folder("none")), { kind: null, reportPath: null });
});

test("gt-report.json names the kind; other fields are the builder's", async () => {
  for (const kind of ["rebuilt", "proxy"] as const) {
    const path = folder(kind, JSON.stringify({ kind, samples: 17193, sources: { coco_loc: 0 } }));
    assert.deepEqual(await readGroundTruthKind(path), {
      kind,
      reportPath: join(tmp, kind, "gt-report.json"),
    });
  }
});

test("a gt-report.json that is not JSON, or has another kind, is an error naming the file", async () => {
  const cases: [string, string, RegExp][] = [
    ["broken", "{kind:", /broken[/\\]gt-report\.json is not valid JSON/],
    [
      "official",
      '{"kind": "official"}',
      /official[/\\]gt-report\.json: expected .*"rebuilt" or "proxy".*got kind "official"/,
    ],
    ["nokind", '{"samples": 3}', /got kind nothing \(the key is missing\)/],
    ["list", "[]", /got an array of length 0/],
  ];
  for (const [name, text, message] of cases) {
    await assert.rejects(
      readGroundTruthKind(folder(name, text)),
      (e) => isGritlocError(e, "E_SAMPLES_INVALID") && message.test(e.message),
      name,
    );
  }
});

test("the notice: rebuilt and proxy always; a file without a report only when it is partial", async () => {
  // Fixture: grit/runs/run1_mixed/samples.json, whole and without coco_loc.
  const samples = await loadSamples(fixturePath("grit", "runs", "run1_mixed", "samples.json"));
  const full = groundTruthCoverage(samples);
  const partial = groundTruthCoverage(samples.filter((s) => s.meta!.dataSource !== "coco_loc"));
  assert.equal(scoreNotice(null, full), null);
  const proxy = scoreNotice("proxy", full)!;
  assert.equal(proxy.official, false);
  assert.match(proxy.text, /^UNOFFICIAL, PROXY ground truth: .*not comparable to leaderboard numbers\)\.$/);
  const rebuilt = scoreNotice("rebuilt", partial)!;
  assert.equal(rebuilt.kind, "rebuilt");
  assert.match(rebuilt.text, /^UNOFFICIAL, REBUILT ground truth: .*not GRIT's hidden ground truth/);
  assert.match(
    rebuilt.text,
    /It covers only newSrc, sameCpt\/newCpt within newSrc \(it has no coco_loc samples\); agg, overall and the other partitions are not covered\.$/,
  );
  assert.equal(scoreNotice(null, partial)?.kind, "partial");
  assert.match(scoreNotice(null, partial)!.text, /^UNOFFICIAL, PARTIAL ground truth/);
});
