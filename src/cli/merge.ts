/**
 * `gritloc merge`: flags → `mergeRun` → localization.json (and optionally a submission zip) from a run
 * folder's journals, with a report of duplicates, missing and failed samples.
 */
import { countNoun } from "../count-noun.js";
import { GritlocError } from "../errors.js";
import { type MergeResult, mergeRun } from "../run/merge-run.js";
import { parseChoiceFlag, parseFlagsOnly, parseIntegerFlag, requireFlag } from "./args.js";
import type { CliCommand } from "./command.js";

const spec = {
  run: { type: "string" },
  samples: { type: "string" },
  out: { type: "string" },
  zip: { type: "string" },
  "params-millions": { type: "string" },
  subset: { type: "string" },
  "allow-partial": { type: "boolean" },
} as const;

const SHOWN = 20;

function report(result: MergeResult): string {
  const lines = [
    `merged ${countNoun(result.journals, "journal")} of ${result.model}: ${result.predicted}/` +
      `${countNoun(result.total, "sample")} predicted, ${result.duplicates} done twice (one record kept each)`,
  ];
  if (result.missing.length > 0) {
    lines.push(`${result.missing.length} never run (empty predictions written):`);
    for (const id of result.missing.slice(0, SHOWN)) lines.push(`  ${id}`);
    if (result.missing.length > SHOWN) lines.push(`  … ${result.missing.length - SHOWN} more`);
  }
  if (result.failed.length > 0) {
    lines.push(`${result.failed.length} failed (empty predictions written):`);
    for (const f of result.failed.slice(0, SHOWN)) lines.push(`  ${f.exampleId}: [${f.code}] ${f.message}`);
    if (result.failed.length > SHOWN) lines.push(`  … ${result.failed.length - SHOWN} more`);
  }
  for (const problem of result.ignoredLines) {
    lines.push(`ignored ${problem.kind} line ${problem.line} of journal ${problem.file}`);
  }
  if (result.out !== undefined) lines.push(`wrote ${result.out}`);
  if (result.zip !== undefined) lines.push(`wrote ${result.zip}`);
  return `${lines.join("\n")}\n`;
}

export const mergeCommand: CliCommand = {
  summary: "Merge a run folder's journals into localization.json (and a submission zip)",
  usage: `Usage: gritloc merge --run RUN_DIR --samples S --out localization.json
                     [--zip FILE --subset ablation|test [--params-millions N]] [--allow-partial]

Reads every worker's journal in RUN_DIR and writes one prediction per sample, in the samples' order. A sample
done by two workers takes one record (the earliest). Fails (E_RUN_INCOMPLETE, nothing written) when samples
have no prediction, listing them; finish the run with 'gritloc infer' (--retry-errors for failures) first.

  --run RUN_DIR          the folder given to 'gritloc infer --run'
  --samples S            the samples file of the run (checked against the run's sha256)
  --out FILE             localization.json to write (atomically)
  --zip FILE             also write a leaderboard submission zip
  --subset NAME          ablation or test (with --zip)
  --params-millions N    parameter count for params.json (default: the model's, from RUN_DIR/run.json)
  --allow-partial        write empty predictions (confidence 0, no boxes) for missing/failed samples`,

  async run(argv, io) {
    const flags = parseFlagsOnly(argv, spec);
    const run = requireFlag(flags.run, "run");
    const samples = requireFlag(flags.samples, "samples");
    if (flags.out === undefined && flags.zip === undefined) requireFlag(flags.out, "out", "(or --zip FILE)");
    let zip: Parameters<typeof mergeRun>[0]["zip"];
    if (flags.zip !== undefined) {
      const subset = parseChoiceFlag(requireFlag(flags.subset, "subset", "with --zip"), "subset", [
        "ablation",
        "test",
      ]);
      const params = flags["params-millions"];
      zip = {
        out: flags.zip,
        subset,
        ...(params === undefined
          ? {}
          : { paramsInMillions: parseIntegerFlag(params, "params-millions", { min: 0 }) }),
      };
    } else if (flags.subset !== undefined || flags["params-millions"] !== undefined) {
      const given = flags.subset !== undefined ? "--subset" : "--params-millions";
      throw new GritlocError(
        "E_INVALID_OPTION",
        `${given} goes with --zip FILE (it describes the zip), and no --zip was given. Run with --help for usage.`,
      );
    }
    const result = await mergeRun({
      run,
      samples,
      ...(flags.out === undefined ? {} : { out: flags.out }),
      ...(zip === undefined ? {} : { zip }),
      allowPartial: flags["allow-partial"] === true,
    });
    io.stdout(report(result));
    return 0;
  },
};
