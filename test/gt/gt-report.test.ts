/**
 * The printed gt build summary: the warning for Open Images images larger than GRIT's ≤ 1024 px versions.
 * (The per-layout lines are checked on a real build in test/cli/gt.test.ts.)
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { emptyCounts, formatGtReport, type GtReport } from "../../src/gt/gt-report.js";

test("the printed summary warns when Open Images images are larger than GRIT's ≤ 1024 px versions", () => {
  const report = {
    subset: "ablation",
    groundTruthFile: "gt.json",
    sources: ["open_images"],
    counts: { open_images: { "query-image": { ...emptyCounts(), samples: 2, records: 2 } } },
    totals: { samples: 2, records: 2, empty: 0, unresolved: 0, notRebuilt: 0 },
    notRebuilt: {},
    openImagesSizes: { largestSide: 4032, over1024: 2 },
  } as unknown as GtReport;
  assert.match(
    formatGtReport(report),
    /WARNING: 2 Open Images images are larger than 1024 px \(largest side 4032\)/,
  );
  const fine = { ...report, openImagesSizes: { largestSide: 1024, over1024: 0 } } as GtReport;
  assert.doesNotMatch(formatGtReport(fine), /WARNING/);
});
