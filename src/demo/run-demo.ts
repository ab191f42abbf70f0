/**
 * `gritloc demo` as a library call: an output folder (+ model) → the whole job on the embedded mini GRIT set:
 * build the set, infer from both ends at once on one run folder (one end interrupted and resumed on purpose),
 * merge, write the leaderboard zip, score with every partition, rebuild the newSrc samples' ground truth with
 * `gt build` from Open Images-format CSVs and a labelled .mat, draw the pictures and the report.
 */
import { readdir, rm, stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { writeFileAtomic } from "../atomic-file.js";
import { GritlocError, invalidOption } from "../errors.js";
import type { GritMetrics } from "../grit/metric.js";
import { type ScoredPredictionFiles, scorePredictionFiles } from "../grit/score-files.js";
import type { GritScores } from "../grit/scores.js";
import type { LocalizerInfo } from "../models/localizer.js";
import { createLocalizer, type LocalizerRuntime, type ModelSpec } from "../models/registry.js";
import { type MergeResult, mergeRun } from "../run/merge-run.js";
import { buildMiniGrit, type MiniGrit } from "./build-mini-grit.js";
import type { DemoEvent, DemoStep } from "./demo-events.js";
import { type BothEndsResult, inferFromBothEnds } from "./infer-from-both-ends.js";
import { type MiniGroundTruth, rebuildMiniGroundTruth } from "./rebuild-mini-ground-truth.js";
import { type DemoPictures, writeDemoPictures } from "./write-demo-pictures.js";

export interface RunDemoOptions {
  /** The output folder; the demo writes only its own files and subfolders there. */
  readonly out: string;
  /** The model. @default { family: "smoke" } (random weights: the scores mean nothing) */
  readonly model?: ModelSpec;
  /** Provider, precision, ONNX threads, graph cache. */
  readonly runtime?: LocalizerRuntime;
  /** Scenes in the mini set (≥ 8). @default 40 */
  readonly scenes?: number;
  /** Seed of the mini set. @default 0 */
  readonly seed?: number;
  /**
   * The head worker is stopped on purpose after this many samples, then resumed.
   * @default one sixth of the samples (at least 1)
   */
  readonly interruptAfter?: number;
  /** Prepare threads per worker. @default max(1, floor((cores − 1) / 2)) */
  readonly threads?: number;
  /** Samples per claimed chunk. @default 4 */
  readonly chunkSize?: number;
  /** Write the PNGs (needs chromium). @default true */
  readonly png?: boolean;
  /** @default `$GRITLOC_CHROMIUM` or /usr/bin/chromium */
  readonly chromiumPath?: string;
  readonly onEvent?: (event: DemoEvent) => void;
}

export interface DemoResult {
  readonly outDir: string;
  readonly mini: MiniGrit;
  readonly model: LocalizerInfo;
  readonly runDir: string;
  readonly inference: BothEndsResult;
  readonly merge: Pick<MergeResult, "total" | "predicted" | "duplicates" | "journals">;
  readonly localizationPath: string;
  readonly zipPath: string;
  readonly metricsPath: string;
  readonly metrics: GritMetrics;
  readonly scores: GritScores;
  /** `gt build` on the mini set's rebuild sources (`mini-grit/gt-sources/`), checked against the drawn boxes. */
  readonly groundTruth: MiniGroundTruth;
  /**
   * The zip scored against that rebuilt ground truth with AP, as `gritloc score --ap` does: only the partitions
   * it covers (newSrc, sameCpt/newCpt within it), labelled unofficial.
   */
  readonly rebuiltScores: ScoredPredictionFiles;
  readonly pictures: DemoPictures;
  /** Milliseconds per step, and in all. */
  readonly timings: Readonly<Record<DemoStep | "total", number>>;
}

function positiveInteger(name: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) throw invalidOption(name, `an integer ≥ ${min}`, value);
  return value;
}

/** Empties `<out>/run` from an earlier demo; refuses to delete a folder that is not a run folder. */
async function clearRunFolder(runDir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(runDir);
  } catch {
    return; // not there yet
  }
  if (entries.length > 0 && !entries.includes("run.json")) {
    throw new GritlocError(
      "E_INVALID_OPTION",
      `${runDir} exists and is not a gritloc run folder, so the demo will not replace it. ` +
        "Choose another --out folder.",
    );
  }
  await rm(runDir, { recursive: true, force: true });
}

function describeRun(
  info: LocalizerInfo,
  mini: MiniGrit,
  inference: BothEndsResult,
  merged: MergeResult,
): string {
  const c = mini.counts;
  const lines = [
    `The mini GRIT set was drawn by gritloc (seeded, the same on every machine): ${c.scenes} scenes, ` +
      `${c.images} images, ${c.samples} samples (${c.distorted} distorted twins, ${c.empty} asking for a shape ` +
      "that is not in the image), two sources and seen/new concepts, so every official partition is scored.",
    `Model: ${info.family}/${info.model} on ${info.provider}.` +
      (info.isSmoke
        ? " It has RANDOM weights: its boxes and scores are meaningless and only show that every step works. " +
          "For real boxes, run `gritloc models fetch clip-vit-l14` and then `gritloc demo --model slicvit`."
        : ""),
  ];
  const i = inference.interruption;
  lines.push(
    "Two workers ran at once on one run folder, one from each end of the samples (as two Colab sessions would). " +
      (i === null
        ? "The run ended before the head worker could be interrupted."
        : `The head worker was stopped on purpose after ${i.afterSamples} samples and started again as worker ` +
          `${i.resumedWorker}, which found ${i.doneAtResume} samples done and skipped them.`) +
      ` The merge read ${merged.journals} journals and gave ${merged.predicted} predictions, one per sample` +
      (merged.duplicates === 0
        ? "; no sample was done twice."
        : ` (${merged.duplicates} samples were done by two workers where their claims raced; one record was kept).`),
  );
  return lines.join("\n\n");
}

/**
 * Runs the demo. Files in `out`: `mini-grit/` (the set; `mini-grit/gt-sources/` the rebuild sources and the
 * rebuilt ground truth), `run/` (journals; replaced on every run),
 * `localization.json`, `ablation.zip`, `metrics.json` (evaluate.py's keys), `grid.png`, `partitions.png`,
 * `report.html`.
 *
 * @throws GritlocError E_INVALID_OPTION for bad options, E_NOT_FOUND / E_WEIGHTS_INVALID for model files, and
 *   whatever a step raises (E_RUN_INCOMPLETE when samples failed). A missing chromium is not an error: the
 *   PNGs are skipped with the reason in `pictures.pngSkipped` and a warning event.
 * @example
 * const demo = await runDemo({ out: "gritloc-demo", onEvent: (e) => e.type === "step" && console.log(e.message) });
 * demo.scores.loc.acc.agg?.mean; demo.pictures.reportPath;
 */
export async function runDemo(options: RunDemoOptions): Promise<DemoResult> {
  if (typeof options !== "object" || options === null) throw invalidOption("options", "{ out }", options);
  if (typeof options.out !== "string" || options.out === "")
    throw invalidOption("out", "a folder path", options.out);
  const model: ModelSpec = options.model ?? { family: "smoke" };
  if (typeof model !== "object" || model === null) throw invalidOption("model", "a ModelSpec", model);
  const threads = positiveInteger(
    "threads",
    options.threads,
    Math.max(1, Math.floor((availableParallelism() - 1) / 2)),
  );
  const chunkSize = positiveInteger("chunkSize", options.chunkSize, 4);
  if (options.interruptAfter !== undefined) positiveInteger("interruptAfter", options.interruptAfter, 1);
  const emit = options.onEvent ?? (() => {});
  const outDir = resolve(options.out);
  if ((await stat(outDir).catch(() => null))?.isFile() === true) {
    throw invalidOption("out", "a folder (not a file)", options.out);
  }
  const started = performance.now();
  const timings: Partial<Record<DemoStep | "total", number>> = {};
  let stepStart = started;
  const step = (name: DemoStep, message: string) => {
    stepStart = performance.now();
    emit({ type: "step", step: name, message });
  };
  const stepDone = (name: DemoStep) => {
    timings[name] = Math.round(performance.now() - stepStart);
  };

  step("build", "drawing the mini GRIT set");
  const mini = await buildMiniGrit({
    dir: join(outDir, "mini-grit"),
    ...(options.scenes === undefined ? {} : { scenes: options.scenes }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  stepDone("build");

  step("model", `loading the ${model.family} model`);
  const localizer = await createLocalizer(model, options.runtime);
  const info = localizer.info;
  if (info.isSmoke) {
    emit({
      type: "warning",
      message:
        `${info.model} has RANDOM weights: the boxes and scores are meaningless (they only show that every ` +
        "step works). For real boxes: gritloc models fetch clip-vit-l14, then gritloc demo --model slicvit.",
    });
  }
  stepDone("model");

  const runDir = join(outDir, "run");
  let inference: BothEndsResult;
  try {
    await clearRunFolder(runDir);
    const interruptAfter = options.interruptAfter ?? Math.max(1, Math.floor(mini.counts.samples / 6));
    step(
      "infer",
      `inferring ${mini.counts.samples} samples with two workers from both ends of ${runDir}; ` +
        `the head worker will be interrupted on purpose after ${interruptAfter} samples and resumed`,
    );
    inference = await inferFromBothEnds({
      samples: mini.samplesPath,
      images: mini.imagesDir,
      run: runDir,
      model,
      localizer,
      threads,
      chunkSize,
      interruptAfter,
      emit,
    });
    stepDone("infer");
  } finally {
    await localizer.dispose();
  }

  step("merge", "merging the journals and writing the leaderboard zip");
  const localizationPath = join(outDir, "localization.json");
  const zipPath = join(outDir, `${mini.subset}.zip`);
  const merged = await mergeRun({
    run: runDir,
    samples: mini.samplesPath,
    out: localizationPath,
    zip: { out: zipPath, subset: mini.subset },
  });
  stepDone("merge");

  step("score", "scoring the zip with the official GRIT metric (every partition)");
  const scored = await scorePredictionFiles({
    samplesPath: mini.samplesPath,
    predictionsPath: zipPath,
    lemma2groupsPath: mini.lemma2groupsPath,
  });
  const metricsPath = join(outDir, "metrics.json");
  await writeFileAtomic(metricsPath, `${JSON.stringify(scored.metrics, null, 2)}\n`);
  stepDone("score");

  step(
    "groundtruth",
    "rebuilding the newSrc samples' ground truth with gt build from Open Images-format CSVs and a labelled " +
      ".mat, and scoring the zip against it with AP (as `gritloc score --ap`)",
  );
  const groundTruth = await rebuildMiniGroundTruth(mini, join(outDir, "mini-grit", "gt-sources"));
  if (groundTruth.disagreeing.length > 0) {
    emit({
      type: "warning",
      message: `the rebuilt ground truth differs from the drawn boxes for ${groundTruth.disagreeing.join(", ")}`,
    });
  }
  const rebuiltScores = await scorePredictionFiles({
    samplesPath: groundTruth.build.groundTruthPath,
    predictionsPath: zipPath,
    ap: true,
  });
  stepDone("groundtruth");

  step("pictures", "drawing the 4×4 grid, the partition chart and report.html");
  const pictures = await writeDemoPictures({
    samples: mini.samples,
    entries: merged.entries,
    imagesDir: mini.imagesDir,
    metrics: scored.metrics,
    modelName: info.isSmoke ? `${info.model} — RANDOM, meaningless` : info.model,
    outDir,
    summary: describeRun(info, mini, inference, merged),
    ...(options.png === undefined ? {} : { png: options.png }),
    ...(options.chromiumPath === undefined ? {} : { chromiumPath: options.chromiumPath }),
  });
  if (pictures.pngSkipped !== null && options.png !== false) {
    emit({ type: "warning", message: `PNGs skipped: ${pictures.pngSkipped}` });
  }
  stepDone("pictures");
  timings.total = Math.round(performance.now() - started);

  return {
    outDir,
    mini,
    model: info,
    runDir,
    inference,
    merge: {
      total: merged.total,
      predicted: merged.predicted,
      duplicates: merged.duplicates,
      journals: merged.journals,
    },
    localizationPath,
    zipPath,
    metricsPath,
    metrics: scored.metrics,
    scores: scored.scores,
    groundTruth,
    rebuiltScores,
    pictures,
    timings: timings as Record<DemoStep | "total", number>,
  };
}
