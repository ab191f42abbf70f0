/**
 * `gritloc visualize` as a library call: samples + predictions (+ ground truth) files and an images folder →
 * a grid PNG or a self-contained report.html (grid, score histogram, summary).
 */
import { writeFile } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { GritlocError, invalidOption } from "../errors.js";
import type { BoxXyxy } from "../grit/box.js";
import { loadPredictions } from "../grit/load-predictions.js";
import { locMetric } from "../grit/loc-metric.js";
import { type GritSample, loadSamples } from "../grit/samples.js";
import type { SubmissionEntry } from "../grit/submission.js";
import { formatPredictionProblems, validatePredictions } from "../grit/validate-predictions.js";
import { createLogger } from "../logger.js";
import { makeFolder } from "../make-folder.js";
import { decodeImage } from "../vision/decode.js";
import type { PlotlyFigure } from "./figure.js";
import { gridFigure } from "./grid-figure.js";
import { pickIndices } from "./pick-samples.js";
import { renderPng } from "./render-png.js";
import { reportHtml } from "./report-html.js";
import type { SampleView } from "./sample-view.js";
import { scoreHistogramFigure } from "./score-histogram-figure.js";

const log = createLogger("viz");

export interface VisualizeFilesOptions {
  /** GRIT samples (public or extended format; the extended one brings ground truth). */
  readonly samplesPath: string;
  /** A `localization.json` of `{example_id, confidence, bboxes}` or a submission zip. */
  readonly predictionsPath: string;
  /** Samples in the extended format holding the ground truth, when `samplesPath` has none. */
  readonly groundTruthPath?: string;
  /** The GRIT `images/` folder that samples' `image_id`s are relative to. */
  readonly imagesDir: string;
  /** Output: `*.png` (the grid) or `*.html` (a report). */
  readonly outPath: string;
  /** How many samples to show, picked at random among those with a prediction. @default 16 */
  readonly n?: number;
  /** Seed of the pick (the same seed shows the same samples). @default 0 */
  readonly seed?: number;
  /** Show exactly these example ids, in this order (overrides n and seed). */
  readonly ids?: readonly string[];
  /** PNG only: device pixels per CSS pixel. @default 1 */
  readonly scale?: number;
  /** Figure title. @default built from the predictions file name and counts */
  readonly title?: string;
}

export interface VisualizeFilesResult {
  readonly outPath: string;
  readonly format: "png" | "html";
  /** The samples shown, in order. */
  readonly exampleIds: readonly string[];
  /** Chosen samples left out because their image could not be read (missing or undecodable), with the reason. */
  readonly skipped: readonly SkippedSample[];
  /** How many samples have ground truth, and how many of those have a prediction (scored). */
  readonly withGroundTruth: number;
  readonly scored: number;
  /** Mean per-sample GRIT score over every scored sample (not only those shown); null when none. */
  readonly meanScore: number | null;
}

export interface SkippedSample {
  readonly exampleId: string;
  /** The image path that could not be read. */
  readonly path: string;
  /** The error code (E_IMAGE_DECODE, E_NOT_FOUND, ...). */
  readonly code: string;
  readonly message: string;
}

/** Decodes a chosen sample's image; an unreadable one is recorded in `skipped` instead of ending the picture. */
async function decodeOrSkip(path: string, exampleId: string, skipped: SkippedSample[]) {
  try {
    return await decodeImage(path);
  } catch (error) {
    if (!(error instanceof GritlocError)) throw error;
    skipped.push({ exampleId, path, code: error.code, message: error.message });
    log.warn(`skipping ${exampleId}: ${error.message}`);
    return null;
  }
}

function outputFormat(outPath: string): "png" | "html" {
  const ext = extname(outPath).toLowerCase();
  if (ext === ".png") return "png";
  if (ext === ".html" || ext === ".htm") return "html";
  throw invalidOption("out", "a path ending in .png (grid picture) or .html (report)", outPath);
}

function checkedPredictions(
  samples: readonly GritSample[],
  entries: readonly SubmissionEntry[],
  source: string,
) {
  // A partial run is fine to look at: only malformed entries stop us (missing/unknown ids do not).
  const problems = validatePredictions(samples, entries).filter(
    (p) => p.kind !== "missing" && p.kind !== "unknown" && p.kind !== "inverted_box",
  );
  if (problems.length > 0) {
    throw new GritlocError("E_PREDICTIONS_INVALID", formatPredictionProblems(problems, `in ${source}`), {
      details: problems,
    });
  }
  return new Map(entries.map((e) => [e.exampleId, e]));
}

async function groundTruthMap(
  samples: readonly GritSample[],
  groundTruthPath: string | undefined,
): Promise<Map<string, readonly BoxXyxy[]>> {
  const source = groundTruthPath === undefined ? samples : await loadSamples(groundTruthPath);
  const map = new Map<string, readonly BoxXyxy[]>();
  for (const s of source) if (s.groundTruth !== undefined) map.set(s.exampleId, s.groundTruth.bboxes);
  if (groundTruthPath !== undefined && map.size === 0) {
    throw new GritlocError(
      "E_SAMPLES_INVALID",
      `${groundTruthPath} holds no ground truth: expected samples in the {input, output, meta} format.`,
    );
  }
  return map;
}

function selectSamples(
  samples: readonly GritSample[],
  predictions: ReadonlyMap<string, SubmissionEntry>,
  options: VisualizeFilesOptions,
): GritSample[] {
  if (options.ids !== undefined) {
    if (options.ids.length === 0) throw invalidOption("ids", "at least one example id", "");
    const byId = new Map(samples.map((s) => [s.exampleId, s]));
    const unknown = options.ids.filter((id) => !byId.has(id));
    if (unknown.length > 0) {
      throw invalidOption(
        "ids",
        `example ids from ${options.samplesPath}`,
        `${unknown.length} unknown: ${unknown.slice(0, 5).join(", ")}`,
      );
    }
    return options.ids.map((id) => byId.get(id)!);
  }
  const candidates = samples.filter((s) => predictions.has(s.exampleId));
  if (candidates.length === 0) {
    throw new GritlocError(
      "E_PREDICTIONS_INVALID",
      `No entry of ${options.predictionsPath} matches an example_id of ${options.samplesPath}; ` +
        "check that both belong to the same subset (ablation/test).",
    );
  }
  return pickIndices(candidates.length, options.n ?? 16, options.seed ?? 0).map((i) => candidates[i]);
}

/**
 * Loads the files, picks the samples, decodes their images and writes the picture or report. A chosen sample
 * whose image is missing or cannot be decoded is left out and listed in `skipped` (with a warning).
 * @throws GritlocError E_INVALID_OPTION (bad --out, --ids, n, seed), E_SAMPLES_INVALID, E_PREDICTIONS_INVALID,
 *   E_IMAGE_DECODE / E_NOT_FOUND when no chosen image can be read, E_TOOL_MISSING when a PNG needs chromium.
 * @example
 * await visualizePredictionFiles({ samplesPath: "val.json", predictionsPath: "localization.json",
 *   imagesDir: "grit/images", outPath: "grid.png" });
 */
export async function visualizePredictionFiles(
  options: VisualizeFilesOptions,
): Promise<VisualizeFilesResult> {
  const format = outputFormat(options.outPath);
  // Options are checked before any file is read.
  pickIndices(1, options.n ?? 16, options.seed ?? 0);
  const scale = options.scale ?? 1;
  if (typeof scale !== "number" || !(scale > 0 && scale <= 8))
    throw invalidOption("scale", "a number in (0, 8]", scale);
  const samples = await loadSamples(options.samplesPath);
  const loaded = await loadPredictions(options.predictionsPath);
  const predictions = checkedPredictions(samples, loaded.entries, loaded.source);
  const groundTruth = await groundTruthMap(samples, options.groundTruthPath);
  const chosen = selectSamples(samples, predictions, options);

  const scores: number[] = [];
  for (const s of samples) {
    const gt = groundTruth.get(s.exampleId);
    const pred = predictions.get(s.exampleId);
    if (gt !== undefined && pred !== undefined) scores.push(locMetric(pred.bboxes, gt));
  }
  const views: SampleView[] = [];
  const shown: string[] = [];
  const skipped: SkippedSample[] = [];
  for (const s of chosen) {
    const image = await decodeOrSkip(join(options.imagesDir, s.imageId), s.exampleId, skipped);
    if (image === null) continue;
    const pred = predictions.get(s.exampleId);
    const gt = groundTruth.get(s.exampleId);
    shown.push(s.exampleId);
    views.push({
      image,
      query: s.taskQuery,
      ...(pred === undefined ? {} : { predicted: { bboxes: pred.bboxes, confidence: pred.confidence } }),
      ...(gt === undefined ? {} : { groundTruth: gt }),
      ...(gt !== undefined && pred !== undefined ? { score: locMetric(pred.bboxes, gt) } : {}),
    });
  }
  if (views.length === 0) {
    const first = skipped[0] as SkippedSample;
    throw new GritlocError(
      first.code === "E_NOT_FOUND" ? "E_NOT_FOUND" : "E_IMAGE_DECODE",
      `None of the ${skipped.length} chosen samples' images could be read (first: ${first.message}). ` +
        `Check --images (${options.imagesDir}).`,
      { details: skipped },
    );
  }
  const meanScore = scores.length === 0 ? null : scores.reduce((a, b) => a + b, 0) / scores.length;
  const title =
    options.title ??
    `${basename(options.predictionsPath)}: ${views.length} of ${samples.length} samples` +
      (meanScore === null ? "" : `, mean score ${meanScore.toFixed(3)} over ${scores.length}`);
  const grid = await gridFigure(views, { title });
  log.info(
    `showing ${views.length} samples (${groundTruth.size} with ground truth, ${scores.length} scored)`,
  );

  await makeFolder(dirname(options.outPath), options.outPath);
  if (format === "png") {
    await renderPng(grid, options.outPath, { scale });
  } else {
    const figures: PlotlyFigure[] =
      scores.length === 0
        ? []
        : [
            scoreHistogramFigure([{ name: basename(options.predictionsPath), values: scores }], {
              title: "GRIT localization score per sample (all scored samples)",
              xTitle: "score (Σ matched IoU / (#predicted + #missed))",
            }),
          ];
    await writeFile(
      options.outPath,
      reportHtml({
        title,
        sections: [
          {
            heading: "Samples",
            text:
              "Red: predicted boxes (tagged with the query and the confidence). Blue: ground truth. " +
              `Shown: ${shown.join(", ")}.` +
              (skipped.length === 0
                ? ""
                : `\n\nSkipped (image unreadable): ${skipped.map((k) => `${k.exampleId} (${k.code})`).join(", ")}.`),
            figures: [grid],
          },
          ...(figures.length === 0
            ? []
            : [
                {
                  heading: "Scores",
                  text: `${scores.length} samples have ground truth and a prediction.`,
                  figures,
                },
              ]),
        ],
      }),
    );
  }
  return {
    outPath: options.outPath,
    format,
    exampleIds: shown,
    skipped,
    withGroundTruth: groundTruth.size,
    scored: scores.length,
    meanScore,
  };
}
