/**
 * Checks shared by the demo tests (library and CLI): a finished demo folder → assertions on the zip (the
 * validator), metrics.json (official key naming, every partition for `any`), the PNGs (present, not blank)
 * and the run folder (the interruption happened; the merge has one prediction per sample).
 * Fixture: grit/runs/run1_mixed/metrics.json (key naming only).
 */
import assert from "node:assert/strict";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { unzipSync } from "fflate";
import type { DemoResult } from "../../../src/demo/run-demo.js";
import { GRIT_PARTITIONS } from "../../../src/grit/metric.js";
import { loadSamples } from "../../../src/grit/samples.js";
import { validatePredictionFiles } from "../../../src/grit/validate-files.js";
import { decodeImage } from "../../../src/vision/decode.js";
import { readFixtureJson } from "../../support/fixtures.js";

/** The `any` keys of a metrics object with the numbers masked, e.g. "acc.any.sameSrc.loc.mean". */
function anyKeys(metrics: Record<string, number>): string[] {
  return Object.keys(metrics)
    .filter((k) => /^\w+\.any\./.test(k))
    .sort();
}

/** The output files of a demo, from a DemoResult or from the paths the CLI printed. */
export interface DemoFiles {
  readonly samplesPath: string;
  readonly zipPath: string;
  readonly localizationPath: string;
  readonly metricsPath: string;
}

/** The files of a library run. */
export function demoFiles(result: DemoResult): DemoFiles {
  const { zipPath, localizationPath, metricsPath } = result;
  return { samplesPath: result.mini.samplesPath, zipPath, localizationPath, metricsPath };
}

/** Zip valid per the validator, one entry per sample, no duplicate ids, same entries as localization.json. */
export async function checkSubmission(result: DemoFiles): Promise<void> {
  const samples = await loadSamples(result.samplesPath);
  const report = await validatePredictionFiles({
    samplesPath: result.samplesPath,
    predictionsPath: result.zipPath,
  });
  assert.ok(report.ok, JSON.stringify(report.problems.slice(0, 3)) + report.fileProblems.join("; "));
  assert.equal(report.subset, "ablation");
  assert.equal(report.entryCount, samples.length);
  const files = unzipSync(await readFile(result.zipPath));
  assert.deepEqual(
    Object.keys(files)
      .filter((f) => !f.endsWith("/"))
      .sort(),
    ["ablation/localization.json", "ablation/params.json"],
  );
  const zipped = JSON.parse(Buffer.from(files["ablation/localization.json"]).toString("utf8")) as {
    example_id: string;
  }[];
  const merged = JSON.parse(await readFile(result.localizationPath, "utf8")) as { example_id: string }[];
  const ids = merged.map((e) => e.example_id);
  assert.equal(new Set(ids).size, ids.length, "no duplicate example_id in localization.json");
  assert.deepEqual(
    ids,
    samples.map((s) => s.exampleId),
  );
  assert.deepEqual(zipped, merged);
}

/**
 * metrics.json has exactly the `any` keys the official evaluate.py writes (every partition) and, when given,
 * the values of `expected`.
 */
export async function checkMetrics(
  files: DemoFiles,
  expected?: Readonly<Record<string, number>>,
): Promise<Record<string, number>> {
  const metrics = JSON.parse(await readFile(files.metricsPath, "utf8")) as Record<string, number>;
  if (expected !== undefined) {
    // JSON has no -0 (evaluate.py writes -0.0 for some deldist bounds); compare numerically as the fixtures say.
    const positiveZero = (m: Readonly<Record<string, number>>) =>
      Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v === 0 ? 0 : v]));
    assert.deepEqual(positiveZero(metrics), positiveZero(expected));
  }
  const fixture = readFixtureJson<Record<string, number>>("grit", "runs", "run1_mixed", "metrics.json");
  assert.deepEqual(anyKeys(metrics), anyKeys(fixture));
  for (const partition of GRIT_PARTITIONS) {
    assert.equal(typeof metrics[`acc.any.${partition}.loc.mean`], "number", partition);
  }
  assert.equal(typeof metrics["overall.mean"], "number");
  return metrics;
}

/** A PNG that exists, is reasonably large and is not blank (many colours, spread-out brightness). */
export async function checkPng(path: string, minBytes: number): Promise<void> {
  const { size } = await stat(path);
  assert.ok(size >= minBytes, `${path} has ${size} bytes (< ${minBytes})`);
  const image = await decodeImage(path);
  const colours = new Set<number>();
  let sum = 0;
  let sumSq = 0;
  const n = image.width * image.height;
  for (let i = 0; i < image.data.length; i += 3) {
    const [r, g, b] = [image.data[i], image.data[i + 1], image.data[i + 2]];
    colours.add((r << 16) | (g << 8) | b);
    const y = 0.299 * r + 0.587 * g + 0.114 * b;
    sum += y;
    sumSq += y * y;
  }
  const std = Math.sqrt(sumSq / n - (sum / n) ** 2);
  assert.ok(colours.size > 50, `${path}: only ${colours.size} colours`);
  assert.ok(std > 10, `${path}: brightness std ${std.toFixed(1)} (blank?)`);
}

interface JournalLine {
  type: string;
  role?: string;
  reason?: string;
  example_id?: string;
  at?: number;
}

/**
 * From the journals on disk: a head worker ended "stopped" with results, a later head worker on the same run
 * folder ended "finished", a tail worker ran at the same time, and no sample is missing from the merge.
 */
export async function checkInterruption(result: DemoResult): Promise<void> {
  const dir = join(result.runDir, "journal");
  const journals: JournalLine[][] = [];
  for (const name of await readdir(dir)) {
    const text = await readFile(join(dir, name), "utf8");
    journals.push(
      text
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as JournalLine),
    );
  }
  assert.equal(journals.length, 3, "head, tail and the resumed head");
  const role = (j: JournalLine[]) => j[0].role;
  const end = (j: JournalLine[]) => j.findLast((l) => l.type === "end")?.reason;
  const results = (j: JournalLine[]) => j.filter((l) => l.type === "result").length;
  const stopped = journals.filter((j) => role(j) === "head" && end(j) === "stopped");
  const resumed = journals.filter((j) => role(j) === "head" && end(j) === "finished");
  const tail = journals.filter((j) => role(j) === "tail");
  assert.equal(stopped.length, 1, "one head worker was stopped on purpose");
  assert.equal(resumed.length, 1, "and one head worker resumed and finished");
  assert.equal(tail.length, 1);
  assert.ok(results(stopped[0]) >= 1, "the stopped worker had done work");
  // The resumed worker may find nothing left: the tail worker can claim the stopped worker's last chunk first.
  assert.ok(results(tail[0]) >= 1, "the tail worker did work");
  assert.ok(stopped[0][0].at! < resumed[0][0].at!, "resumed after the stop");
  // Real concurrency: the tail worker's results interleave in time with the head workers' results.
  const times = (j: JournalLine[]) => j.filter((l) => l.type === "result").map((l) => l.at!);
  const headTimes = [...times(stopped[0]), ...times(resumed[0])];
  const tailTimes = times(tail[0]);
  assert.ok(Math.min(...tailTimes) < Math.max(...headTimes), "tail worked before the head end finished");
  assert.ok(Math.min(...headTimes) < Math.max(...tailTimes), "head worked before the tail end finished");
  const done = new Set(
    journals.flatMap((j) => j.filter((l) => l.type === "result").map((l) => l.example_id)),
  );
  assert.equal(done.size, result.mini.counts.samples);
  const i = result.inference.interruption;
  assert.ok(i !== null);
  assert.ok(i.doneAtResume >= i.afterSamples);
}
