/**
 * `gritloc score`: flags → `scorePredictionFiles` → a headline table, or with --json the official metrics object.
 */

import { scorePredictionFiles } from "../grit/score-files.js";
import { formatScoresTable } from "../grit/scores-table.js";
import { parseFlagsOnly, parseNumberFlag, requireFlag } from "./args.js";
import type { CliCommand } from "./command.js";

const spec = {
  samples: { type: "string" },
  predictions: { type: "string" },
  lemma2groups: { type: "string" },
  "params-millions": { type: "string" },
  json: { type: "boolean" },
  "no-round": { type: "boolean" },
  "allow-missing-partitions": { type: "boolean" },
} as const;

export const scoreCommand: CliCommand = {
  summary: "Score localization predictions with the official GRIT metrics (needs ground truth)",
  usage: `Usage: gritloc score --samples S --predictions P [--lemma2groups L] [--params-millions N] [--json] [--no-round]

Scores predictions exactly as GRIT's evaluate.py does (localization only; the six other tasks count as missing).

  --samples S           samples with ground truth, in the {input, output, meta} format. The public
                        ablation/test samples have none (it is hidden): submit those with 'gritloc submit'
                        and read the scores on the leaderboard.
  --predictions P       a localization.json (a params.json beside it is used) or a submission zip
  --lemma2groups L      lemma -> concept groups JSON, for the per-group acc.<group>.agg.loc scores
  --params-millions N   parameter count in millions (overrides params.json)
  --json                print the official metrics object (the keys evaluate.py writes)
  --no-round            with --json: values before the official 4-decimal rounding
  --allow-missing-partitions
                        leave out the 7-task averages whose partitions have < 2 samples
                        (evaluate.py fails there), e.g. for a set without distortions`,

  async run(argv, io) {
    const flags = parseFlagsOnly(argv, spec);
    const result = await scorePredictionFiles({
      samplesPath: requireFlag(flags.samples, "samples"),
      predictionsPath: requireFlag(flags.predictions, "predictions"),
      lemma2groupsPath: flags.lemma2groups,
      paramsInMillions:
        flags["params-millions"] === undefined
          ? undefined
          : parseNumberFlag(flags["params-millions"], "params-millions"),
      round: flags["no-round"] !== true,
      allowMissingPartitions: flags["allow-missing-partitions"] === true,
    });
    if (flags.json === true) io.stdout(`${JSON.stringify(result.metrics, null, 2)}\n`);
    else
      io.stdout(
        formatScoresTable(
          result.scores,
          `GRIT localization accuracy (acc ×100), ${result.sampleCount} samples`,
        ),
      );
    return 0;
  },
};
