/**
 * `gritloc submit`: flags → `writeSubmissionFromFiles` → a leaderboard zip (nothing is written when invalid).
 */

import { countNoun } from "../count-noun.js";
import { writeSubmissionFromFiles } from "../grit/submit-files.js";
import { parseChoiceFlag, parseCommandArgs, parseIntegerFlag, requireFlag } from "./args.js";
import type { CliCommand } from "./command.js";

const spec = {
  samples: { type: "string" },
  predictions: { type: "string", multiple: true },
  "params-millions": { type: "string" },
  subset: { type: "string" },
  out: { type: "string" },
} as const;

export const submitCommand: CliCommand = {
  summary: "Write a GRIT leaderboard submission zip from one or more prediction files",
  usage: `Usage: gritloc submit --samples S --predictions P [P...] --params-millions N --subset ablation|test --out FILE

Merges the prediction files (identical duplicates are fine, conflicting ones are an error), checks them
against the samples (as 'gritloc validate' does) and writes FILE atomically: one folder <subset>/ with
params.json and localization.json (in the samples' order). Nothing is written when a check fails.

  --samples S            samples/<subset>/localization.json
  --predictions P        localization.json files or zips (repeat the flag, or list several after it)
  --params-millions N    the model's parameter count in millions, an integer (count every parameter)
  --subset NAME          ablation or test
  --out FILE             e.g. ablation.zip`,

  async run(argv, io) {
    const { flags, positionals } = parseCommandArgs(argv, spec);
    const predictionsPaths = [...(flags.predictions ?? []), ...positionals];
    if (predictionsPaths.length === 0) requireFlag(undefined, "predictions", "(one or more files)");
    const subset = parseChoiceFlag(requireFlag(flags.subset, "subset"), "subset", ["ablation", "test"]);
    const result = await writeSubmissionFromFiles({
      samplesPath: requireFlag(flags.samples, "samples"),
      predictionsPaths,
      paramsInMillions: parseIntegerFlag(
        requireFlag(flags["params-millions"], "params-millions"),
        "params-millions",
        {
          min: 0,
        },
      ),
      subset,
      out: requireFlag(flags.out, "out"),
    });
    io.stdout(
      `wrote ${result.path} (${countNoun(result.entryCount, "prediction")}, ${result.bytes} bytes)\n`,
    );
    return 0;
  },
};
