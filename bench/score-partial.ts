/**
 * Benchmark: `gritloc score` end to end on a partial (rebuilt-style) ground truth at full size. Prints JSON.
 * The real 21,078-prediction peer submission (fixture peer/) is scored against a synthetic newSrc-only ground
 * truth built from its Open Images + NYUv2 ids (17,193 samples, gt-report.json kind "rebuilt"): loading both
 * files, coverage, the metrics, AP (--ap) and the JSON the CLI prints; median of 3 runs, each from the files.
 * With a built dist/, also the whole `gritloc score --ap --json` process (Node start included), median of 3.
 * Run: npm run build && node --import tsx bench/score-partial.ts
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
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

/** Median wall and CPU (user + system) milliseconds of 3 runs from the files, and the last JSON. */
async function timed(ap: boolean) {
  const wall: number[] = [];
  const cpu: number[] = [];
  let json: Record<string, unknown> = {};
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const scored = await scorePredictionFiles({ samplesPath, predictionsPath: peerPath, ap });
    json = scoreReportJson(scored);
    JSON.stringify(json);
    const used = process.cpuUsage(cpuStart);
    wall.push(performance.now() - start);
    cpu.push((used.user + used.system) / 1000);
  }
  return { ms: median(wall), cpuMs: median(cpu), json };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)] * 10) / 10;
}

const plain = await timed(false);
const withAp = await timed(true);

/** The CLI as a user runs it, from dist/ (null when it is not built). */
function timedCli(): number | null {
  const cli = resolve(import.meta.dirname, "../dist/cli.js");
  if (!existsSync(cli)) return null;
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    const args = [cli, "score", "--samples", samplesPath, "--predictions", peerPath, "--ap", "--json"];
    execFileSync(process.execPath, args, { stdio: ["ignore", "ignore", "ignore"] });
    runs.push(performance.now() - start);
  }
  return median(runs);
}
const cliProcessMs = timedCli();
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
      scoreCpuMs: plain.cpuMs,
      scoreWithApMs: withAp.ms,
      scoreWithApCpuMs: withAp.cpuMs,
      cliProcessMs,
      // Wall times stretch on a shared machine; the load average says how busy it was.
      loadAverage1m: Math.round(loadavg()[0] * 100) / 100,
      cpus: availableParallelism(),
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
