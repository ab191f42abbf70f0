/**
 * `gritloc gt build`: flags → `buildGroundTruth`, download progress drawn like `gritloc setup`, and the
 * per-source, per-id-layout summary of gt-report.json on stdout.
 */
import { buildGroundTruth } from "../gt/build-ground-truth.js";
import { formatGtReport } from "../gt/gt-report.js";
import { DEFAULT_GT_RULES, GT_RULE_CHOICES, type GtRules } from "../gt/gt-rules.js";
import { GT_SOURCES } from "../gt/sample-id-layout.js";
import {
  parseAction,
  parseChoiceFlag,
  parseChoiceListFlag,
  parseCommandArgs,
  parseOptionFlags,
  requireFlag,
} from "./args.js";
import type { CliCommand } from "./command.js";
import { ProgressView } from "./setup.js";

const spec = {
  root: { type: "string" },
  subset: { type: "string" },
  sources: { type: "string" },
  manifest: { type: "string" },
  cache: { type: "string" },
  rule: { type: "string", multiple: true },
  json: { type: "boolean" },
} as const;

/** `--rule NAME=VALUE` pairs (of gt build and proxy build) → the rules they set. */
export function parseRuleFlags(pairs: readonly string[] | undefined): Partial<GtRules> {
  return parseOptionFlags(pairs, "openImagesGroupOf=drop", {
    flag: "rule",
    form: "NAME=VALUE",
  }) as Partial<GtRules>;
}

function ruleRows(): string {
  return Object.entries(DEFAULT_GT_RULES)
    .map(([name, value]) => {
      const choices = GT_RULE_CHOICES[name as keyof typeof GT_RULE_CHOICES];
      const allowed = choices === undefined ? "an integer ≥ 1" : choices.join(" | ");
      return `    ${name.padEnd(22)}${allowed}  (default ${value})`;
    })
    .join("\n");
}

export const gtCommand: CliCommand = {
  summary: "Rebuild (unofficially) GRIT's hidden Open Images + NYUv2 localization ground truth",
  usage: `Usage: gritloc gt build --root DIR --subset ablation|test [--sources open_images,nyuv2]
                        [--manifest FILE] [--cache DIR] [--rule NAME=VALUE ...] [--json]

Rebuilds ground truth for the subset's Open Images and NYUv2 samples from public annotations (the Open Images
v5 test CSVs and the NYUv2 labeled .mat, fetched and verified through the data manifest) and writes
DIR/ground-truth/<subset>/localization.json (the {input, output, meta} layout evaluate.py reads; score it
with 'gritloc score --samples') and DIR/ground-truth/<subset>/gt-report.json. It is UNOFFICIAL: GRIT's own
generation code is not public, so the rules below are guesses (docs/ground-truth.md). COCO test2015 samples
cannot be rebuilt. Run 'gritloc setup grit' with the same --root first (samples and images).

  --root DIR        the GRIT folder set up with 'gritloc setup grit'
  --subset S        ablation or test
  --sources LIST    only these sources (default: open_images,nyuv2)
  --manifest FILE   a data manifest pointing at mirrors (default: the bundled data-manifests/grit.json)
  --cache DIR       where annotation files are downloaded and the NYUv2 .mat is: the --cache given to
                    setup (default DIR/downloads)
  --rule NAME=VALUE a rebuild rule (repeatable); the values used are written to gt-report.json:
${ruleRows()}
  --json            print gt-report.json instead of the summary`,

  async run(argv, io) {
    const { flags, positionals } = parseCommandArgs(argv, spec);
    parseAction(positionals, "gt", ["build"]);
    const subset = parseChoiceFlag(requireFlag(flags.subset, "subset"), "subset", ["ablation", "test"]);
    const sources =
      flags.sources === undefined ? undefined : parseChoiceListFlag(flags.sources, "sources", GT_SOURCES);
    const rules = parseRuleFlags(flags.rule);
    const view = new ProgressView(io);
    let build: Awaited<ReturnType<typeof buildGroundTruth>>;
    try {
      build = await buildGroundTruth({
        root: requireFlag(flags.root, "root"),
        subset,
        rules,
        ...(sources === undefined ? {} : { sources }),
        ...(flags.manifest === undefined ? {} : { manifest: flags.manifest }),
        ...(flags.cache === undefined ? {} : { cacheDir: flags.cache }),
        onEvent: (e) => view.handle(e),
      });
    } finally {
      view.stop();
    }
    io.stdout(
      flags.json === true ? `${JSON.stringify(build.report, null, 2)}\n` : formatGtReport(build.report),
    );
    return 0;
  },
};
