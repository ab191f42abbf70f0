/**
 * The demo's pictures: samples + merged predictions + official metrics → a 4×4 grid PNG (red predicted,
 * blue ground truth), a per-partition chart PNG and a self-contained report.html. Without chromium the PNGs
 * are skipped with the reason (the report needs no browser).
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isGritlocError } from "../errors.js";
import { locMetric } from "../grit/loc-metric.js";
import type { GritMetrics } from "../grit/metric.js";
import type { GritSample } from "../grit/samples.js";
import type { SubmissionEntry } from "../grit/submission.js";
import { decodeImage } from "../vision/decode.js";
import { gridFigure } from "../viz/grid-figure.js";
import { partitionFigure } from "../viz/partition-figure.js";
import { pickIndices } from "../viz/pick-samples.js";
import { createRenderer } from "../viz/render-png.js";
import { reportHtml } from "../viz/report-html.js";
import type { SampleView } from "../viz/sample-view.js";
import { scoreHistogramFigure } from "../viz/score-histogram-figure.js";

export interface DemoPicturesOptions {
  readonly samples: readonly GritSample[];
  readonly entries: readonly SubmissionEntry[];
  readonly imagesDir: string;
  readonly metrics: GritMetrics;
  /** Legend and title name of the model. */
  readonly modelName: string;
  /** The folder for grid.png, partitions.png and report.html. */
  readonly outDir: string;
  /** Paragraphs that open the report (what ran, what the numbers mean). */
  readonly summary: string;
  /** @default `$GRITLOC_CHROMIUM` or /usr/bin/chromium */
  readonly chromiumPath?: string;
  /** Skip the PNGs (report.html only). @default true */
  readonly png?: boolean;
}

export interface DemoPictures {
  readonly gridPng: string | null;
  readonly partitionsPng: string | null;
  readonly reportPath: string;
  /** Why the PNGs were not written (chromium missing, or `png: false`); null when they were. */
  readonly pngSkipped: string | null;
  /** Example ids shown in the grid, in order. */
  readonly shown: readonly string[];
  /** Mean per-sample GRIT score over all samples. */
  readonly meanScore: number;
}

/** Writes the pictures and the report. @throws GritlocError from decoding or figure building (not chromium). */
export async function writeDemoPictures(options: DemoPicturesOptions): Promise<DemoPictures> {
  const { samples, entries, imagesDir, metrics, modelName, outDir } = options;
  const byId = new Map(entries.map((e) => [e.exampleId, e]));
  const scores = samples.map((s) =>
    locMetric(byId.get(s.exampleId)?.bboxes ?? [], s.groundTruth?.bboxes ?? []),
  );
  const chosen = pickIndices(samples.length, 16, 0);
  const views: SampleView[] = [];
  for (const i of chosen) {
    const s = samples[i];
    const entry = byId.get(s.exampleId);
    views.push({
      image: await decodeImage(join(imagesDir, s.imageId)),
      query: s.taskQuery,
      ...(entry === undefined ? {} : { predicted: { bboxes: entry.bboxes, confidence: entry.confidence } }),
      ...(s.groundTruth === undefined ? {} : { groundTruth: s.groundTruth.bboxes }),
      score: scores[i],
    });
  }
  const meanScore = scores.reduce((a, b) => a + b, 0) / Math.max(1, scores.length);
  const grid = await gridFigure(views, {
    title: `${modelName} on the mini GRIT set: 16 of ${samples.length} samples (red predicted, blue ground truth)`,
  });
  const partitions = partitionFigure([{ name: modelName, metrics }], {
    title: `${modelName}: GRIT localization accuracy per partition (acc ×100, 95% intervals)`,
  });
  const histogram = scoreHistogramFigure([{ name: modelName, values: scores }], {
    title: "GRIT localization score per sample",
    xTitle: "score (Σ matched IoU / (#predicted + #missed))",
  });

  let gridPng: string | null = null;
  let partitionsPng: string | null = null;
  let pngSkipped: string | null = options.png === false ? "PNG output was turned off" : null;
  if (pngSkipped === null) {
    try {
      const renderer = await createRenderer(
        options.chromiumPath === undefined ? {} : { chromiumPath: options.chromiumPath },
      );
      try {
        await renderer.renderPng(grid, join(outDir, "grid.png"));
        gridPng = join(outDir, "grid.png");
        await renderer.renderPng(partitions, join(outDir, "partitions.png"));
        partitionsPng = join(outDir, "partitions.png");
      } finally {
        await renderer.close();
      }
    } catch (error) {
      if (!isGritlocError(error, "E_TOOL_MISSING")) throw error;
      pngSkipped = error.message;
    }
  }

  const reportPath = join(outDir, "report.html");
  await writeFile(
    reportPath,
    reportHtml({
      title: `gritloc demo: ${modelName} on the mini GRIT set`,
      sections: [
        { heading: "What ran", text: options.summary },
        {
          heading: "Scores per partition",
          text:
            "newCpt is the zero-shot score, deldist the robustness score (undistorted minus distorted). " +
            "Bars show acc ×100 with evaluate.py's 95% t-intervals.",
          figures: [partitions],
        },
        {
          heading: "Samples",
          text: `Red: predicted boxes with the confidence. Blue: ground truth. Mean score over all ${samples.length} samples: ${meanScore.toFixed(3)}.`,
          figures: [grid, histogram],
        },
      ],
    }),
  );
  return {
    gridPng,
    partitionsPng,
    reportPath,
    pngSkipped,
    shown: chosen.map((i) => samples[i].exampleId),
    meanScore,
  };
}
