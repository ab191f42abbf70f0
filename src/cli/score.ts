/**
 * `gritloc score`: flags → `scorePredictionFiles` → a headline table (and AP table), or with --json the
 * metrics object (with the coverage and the unofficial-numbers notice for a partial, rebuilt or proxy ground truth).
 */

import { scorePredictionFiles } from "../grit/score-files.js";
import { formatScoreReport, scoreReportJson } from "../grit/score-report.js";
import { parseFlagsOnly, parseNumberFlag, requireFlag } from "./args.js";
import type { CliCommand } from "./command.js";

const spec = {
  samples: { type: "string" },
  predictions: { type: "string" },
  lemma2groups: { type: "string" },
  "params-millions": { type: "string" },
  json: { type: "boolean" },
  ap: { type: "boolean" },
  "no-round": { type: "boolean" },
  "allow-missing-partitions": { type: "boolean" },
} as const;

export const scoreCommand: CliCommand = {
  summary: "Score localization predictions with the official GRIT metrics (needs ground truth)",
  usage: `Usage: gritloc score --samples S --predictions P [--lemma2groups L] [--params-millions N] [--ap] [--json] [--no-round]

Scores predictions exactly as GRIT's evaluate.py does (localization only; the six other tasks count as missing).
A ground truth that lacks sources (e.g. rebuilt for Open Images + NYUv2 only) is scored for the partitions it
covers; the others are "not covered" (null in JSON). A gt-report.json beside S with "kind": "rebuilt" or "proxy"
labels the numbers unofficial. See docs/scoring.md.

  --samples S           samples with ground truth, in the {input, output, meta} format. The public
                        ablation/test samples have none (it is hidden): submit those with 'gritloc submit'
                        and read the scores on the leaderboard, or score a rebuilt ground truth.
  --predictions P       a localization.json (a params.json beside it is used) or a submission zip
  --lemma2groups L      lemma -> concept groups JSON, for the per-group acc.<group>.agg.loc scores
  --params-millions N   parameter count in millions (overrides params.json)
  --ap                  also COCO-style AP in percent (AP@[.5:.95], AP50, AP75), overall and per covered
                        partition; every box is ranked by its sample's one confidence
  --json                print the official metrics object (the keys evaluate.py writes; with coverage,
                        groundTruth and null for not covered keys when the ground truth is partial/unofficial)
  --no-round            with --json: values before the official 4-decimal rounding
  --allow-missing-partitions
                        leave out the 7-task averages whose partitions have < 2 samples
                        (evaluate.py fails there), e.g. for a full set without distortions`,

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
      ap: flags.ap === true,
    });
    if (flags.json === true) io.stdout(`${JSON.stringify(scoreReportJson(result), null, 2)}\n`);
    else io.stdout(formatScoreReport(result));
    return 0;
  },
};
