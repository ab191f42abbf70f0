/**
 * `gritloc visualize`: flags → `visualizePredictionFiles` → grid.png or report.html, and a one-line summary.
 */
import { countNoun } from "../count-noun.js";
import { visualizePredictionFiles } from "../viz/visualize-files.js";
import { parseFlagsOnly, parseIntegerFlag, parseNumberFlag, requireFlag } from "./args.js";
import type { CliCommand } from "./command.js";

const spec = {
  samples: { type: "string" },
  predictions: { type: "string" },
  gt: { type: "string" },
  images: { type: "string" },
  out: { type: "string" },
  n: { type: "string" },
  seed: { type: "string" },
  ids: { type: "string" },
  scale: { type: "string" },
  title: { type: "string" },
} as const;

export const visualizeCommand: CliCommand = {
  summary: "Draw predicted (red) and ground-truth (blue) boxes: a grid PNG or a report.html",
  usage: `Usage: gritloc visualize --samples S --predictions P [--gt G] --images DIR --out grid.png|report.html
                         [--n 16] [--seed N] [--ids a,b,...] [--scale 1] [--title T]

Shows samples with their predicted boxes (red, tagged with the query and confidence) and ground-truth boxes
(blue) in a 4-column grid, each panel titled with its query and, where ground truth exists, the sample's GRIT
score. A .png is rendered with headless chromium (install with 'apt-get install chromium', or set
GRITLOC_CHROMIUM); a .html report (grid + score histogram) needs no browser to write and works offline.

  --samples S       GRIT samples (localization.json); the {input, output, meta} format brings ground truth
  --predictions P   a localization.json of {example_id, confidence, bboxes}, or a submission zip
  --gt G            samples in the {input, output, meta} format holding the ground truth, if S has none
  --images DIR      the GRIT images/ folder that the samples' image_id paths are relative to
  --out FILE        grid.png (picture) or report.html (report); the folder is created
  --n N             how many samples, picked at random among those with a prediction (default 16)
  --seed N          seed of that pick; the same seed shows the same samples (default 0)
  --ids a,b,...     exactly these example ids, in this order (instead of --n/--seed)
  --scale X         PNG only: device pixels per CSS pixel, e.g. 2 for a sharper picture (default 1)
  --title T         figure title (default: predictions file name, counts and mean score)`,

  async run(argv, io) {
    const flags = parseFlagsOnly(argv, spec);
    const result = await visualizePredictionFiles({
      samplesPath: requireFlag(flags.samples, "samples"),
      predictionsPath: requireFlag(flags.predictions, "predictions"),
      groundTruthPath: flags.gt,
      imagesDir: requireFlag(flags.images, "images"),
      outPath: requireFlag(flags.out, "out"),
      n: flags.n === undefined ? undefined : parseIntegerFlag(flags.n, "n", { min: 1 }),
      seed: flags.seed === undefined ? undefined : parseIntegerFlag(flags.seed, "seed", { min: 0 }),
      ids:
        flags.ids === undefined
          ? undefined
          : flags.ids
              .split(",")
              .map((id) => id.trim())
              .filter((id) => id !== ""),
      scale: flags.scale === undefined ? undefined : parseNumberFlag(flags.scale, "scale"),
      title: flags.title,
    });
    const score =
      result.meanScore === null
        ? ""
        : `, mean score ${result.meanScore.toFixed(3)} over ${result.scored} samples`;
    const shown = result.exampleIds.length;
    io.stdout(`wrote ${result.outPath} (${countNoun(shown, "sample")}${score})\n`);
    if (result.skipped.length > 0) {
      const n = result.skipped.length;
      io.stderr(`skipped ${countNoun(n, "sample")} whose image could not be read:\n`);
      for (const k of result.skipped) io.stderr(`  ${k.exampleId}: [${k.code}] ${k.message}\n`);
    }
    return 0;
  },
};
