/**
 * `gritloc validate`: flags → `validatePredictionFiles` → "valid" (exit 0) or the problem list (exit 1).
 */

import { countNoun } from "../count-noun.js";
import { formatBoxesOutsideImage } from "../grit/boxes-outside-image.js";
import { validatePredictionFiles } from "../grit/validate-files.js";
import { formatPredictionProblems } from "../grit/validate-predictions.js";
import { parseFlagsOnly, requireFlag } from "./args.js";
import type { CliCommand } from "./command.js";

const spec = {
  samples: { type: "string" },
  predictions: { type: "string" },
  json: { type: "boolean" },
} as const;

/** Problems printed before "… and N more" (--json prints all). */
const PRINT_LIMIT = 100;

export const validateCommand: CliCommand = {
  summary: "Check predictions (localization.json or submission zip) against the samples",
  usage: `Usage: gritloc validate --samples S --predictions P [--json]

Lists every problem the leaderboard would reject: missing, duplicate or unknown example ids, NaN/Infinity,
confidence outside [0, 1], boxes that are not 4 numbers or have x2 < x1 / y2 < y1, and for a zip its layout
(<subset>/localization.json + <subset>/params.json). Exits 1 when there is any problem.

  --samples S       the samples file (public or extended format)
  --predictions P   a localization.json or a submission zip
  --json            print the report as JSON (all problems)`,

  async run(argv, io) {
    const flags = parseFlagsOnly(argv, spec);
    const predictionsPath = requireFlag(flags.predictions, "predictions");
    const report = await validatePredictionFiles({
      samplesPath: requireFlag(flags.samples, "samples"),
      predictionsPath,
    });
    if (flags.json === true) {
      io.stdout(`${JSON.stringify(report, null, 2)}\n`);
      return report.ok ? 0 : 1;
    }
    // GRIT's scorer accepts these boxes, so they are a warning and leave the exit code alone.
    if (report.boxesOutsideImage.length > 0)
      io.stderr(`warn: ${formatBoxesOutsideImage(report.boxesOutsideImage)}\n`);
    if (report.ok) {
      io.stdout(
        `${predictionsPath}: valid (${countNoun(report.entryCount, "prediction")} for ` +
          `${countNoun(report.sampleCount, "sample")})\n`,
      );
      return 0;
    }
    const blocks: string[] = [];
    if (report.fileProblems.length > 0) blocks.push(report.fileProblems.map((p) => `  - ${p}`).join("\n"));
    if (report.problems.length > 0) {
      blocks.push(formatPredictionProblems(report.problems, `in ${predictionsPath}`, PRINT_LIMIT));
    }
    io.stdout(`${predictionsPath}: INVALID\n${blocks.join("\n")}\n`);
    return 1;
  },
};
