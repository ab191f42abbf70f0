/**
 * Benchmark: `gritloc score` end to end on a partial (rebuilt-style) ground truth at full size. Prints JSON.
 * The real 21,078-prediction peer submission (fixture peer/) is scored against a synthetic newSrc-only ground
 * truth built from its Open Images + NYUv2 ids (17,193 samples, gt-report.json kind "rebuilt"): loading both
 * files, coverage, the metrics, AP (--ap) and the JSON the CLI prints; median of 3 runs, each from the files.
 * Run: node --import tsx bench/score-partial.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadPredictions } from "../src/grit/load-predictions.js";
import { scorePredictionFiles } from "../src/grit/score-files.js";
import { scoreReportJson } from "../src/grit/score-report.js";
import { serializeSamples } from "../src/grit/serialize-samples.js";
import { setLogHandler } from "../src/logger.js";
import { peerNewSrcGroundTruth } from "../test/support/peer-ground-truth.js";

const fixtures = process.env.GRITLOC_FIXTURES ?? resolve(import.meta.dirname, "../test/fixtures");
const peerPath = join(fixtures, "peer", "adapting-clip-ablation-localization.json");
const tmp = mkdtempSync(join(tmpdir(), "gritloc-bench-partial-"));
setLogHandler(() => {}); // the 3,885 COCO predictions the ground truth lacks are ignored with a warning

const peer = await loadPredictions(peerPath);
const groundTruth = peerNewSrcGroundTruth(peer.entries);
const samplesPath = join(tmp, "localization.json");
writeFileSync(samplesPath, serializeSamples(groundTruth));
writeFileSync(join(tmp, "gt-report.json"), JSON.stringify({ kind: "rebuilt" }));

async function timed(ap: boolean) {
  const runs: number[] = [];
  let json: Record<string, unknown> = {};
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    const scored = await scorePredictionFiles({ samplesPath, predictionsPath: peerPath, ap });
    json = scoreReportJson(scored);
    JSON.stringify(json);
    runs.push(performance.now() - start);
  }
  runs.sort((a, b) => a - b);
  return { ms: Math.round(runs[1] * 10) / 10, json };
}

const plain = await timed(false);
const withAp = await timed(true);
rmSync(tmp, { recursive: true, force: true });
const json = withAp.json as Record<string, number | null> & {
  coverage: { partitions: Record<string, { covered: boolean }> };
  ap: { partitions: Record<string, { ap: number | null }> };
};
const partitions = Object.entries(json.coverage.partitions);
console.log(
  JSON.stringify(
    {
      predictions: peer.entries.length,
      groundTruthSamples: groundTruth.length,
      scoreMs: plain.ms,
      scoreWithApMs: withAp.ms,
      covered: partitions.filter(([, c]) => c.covered).map(([p]) => p),
      notCovered: partitions.filter(([, c]) => !c.covered).map(([p]) => p),
      accNewSrc: json["acc.any.newSrc.loc.mean"],
      accNewCptInNewSrc: json["acc.any.newCpt@newSrc.loc.mean"],
      accAgg: json["acc.any.agg.loc.mean"],
      apNewSrcPercent: json.ap.partitions.newSrc.ap,
      node: process.version,
    },
    null,
    2,
  ),
);
