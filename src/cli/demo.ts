/**
 * `gritloc demo`: flags → `runDemo` options (model flags as in `gritloc infer`; slicvit/owlvit/regionclip default to the
 * files of `gritloc models fetch`), progress lines on stderr, and a summary with the scores and every path.
 */

import type { DemoEvent } from "../demo/demo-events.js";
import { fetchedModelSpec } from "../demo/fetched-model-spec.js";
import { type DemoResult, type RunDemoOptions, runDemo } from "../demo/run-demo.js";
import { invalidOption } from "../errors.js";
import { formatScoreReport } from "../grit/score-report.js";
import { formatScoresTable } from "../grit/scores-table.js";
import type { ModelSpec } from "../models/registry.js";
import { formatDuration } from "../run/run-progress.js";
import { type ParsedFlags, parseFlagsOnly, parseIntegerFlag } from "./args.js";
import type { CliCommand, CliIo } from "./command.js";
import { formatFlagRows } from "./flag-rows.js";
import {
  MODEL_FLAG_SPEC,
  type ModelFlagRules,
  modelFamilyFromFlags,
  modelSpecFromFlags,
  OPTION_FLAG_ROW,
  SLICVIT_FLAG_ROWS,
} from "./model-flags.js";
import { RUNTIME_FLAG_SPEC, runtimeFlagRows, runtimeFromFlags } from "./runtime-flags.js";

const spec = {
  out: { type: "string" },
  scenes: { type: "string" },
  "interrupt-after": { type: "string" },
  threads: { type: "string" },
  "no-png": { type: "boolean" },
  ...MODEL_FLAG_SPEC,
  ...RUNTIME_FLAG_SPEC,
  "model-threads": { type: "string" },
} as const;

type DemoFlags = ParsedFlags<typeof spec>;

/** The default output folder, relative to the current one. */
const DEFAULT_OUT = "gritloc-demo";

/** The demo runs without arguments, so it defaults to smoke; its file flags are optional, so not "required". */
const DEMO_MODEL_RULES = {
  defaultModel: "smoke",
  missingFile: "a file path",
} as const satisfies ModelFlagRules;

/** `--model` and its flags → a ModelSpec; slicvit/owlvit/regionclip without --weights use the fetched default files. */
async function modelSpec(flags: DemoFlags): Promise<ModelSpec> {
  const family = modelFamilyFromFlags(flags, DEMO_MODEL_RULES);
  if (family === "smoke") return modelSpecFromFlags(flags, DEMO_MODEL_RULES);
  // --seed seeds only the random smoke model; said before the fetched files are looked for, so that a missing
  // download does not hide it.
  if (flags.seed !== undefined)
    throw invalidOption("--seed", "no value except with --model smoke", flags.seed);
  const fetched = flags.weights === undefined ? await fetchedModelSpec(family) : undefined;
  return modelSpecFromFlags(flags, { ...DEMO_MODEL_RULES, fallback: fetched });
}

/** Flags → the options object `runDemo` takes (exported for tests). */
export async function demoOptions(argv: readonly string[]): Promise<RunDemoOptions> {
  const flags = parseFlagsOnly(argv, spec);
  const int = (name: "scenes" | "interrupt-after" | "threads", min: number) => {
    const value = flags[name];
    return value === undefined ? undefined : parseIntegerFlag(value, name, { min });
  };
  const runtime = runtimeFromFlags(flags, "model-threads");
  const optional = {
    scenes: int("scenes", 8),
    interruptAfter: int("interrupt-after", 1),
    threads: int("threads", 1),
    png: flags["no-png"] === true ? false : undefined,
  };
  return {
    out: flags.out ?? DEFAULT_OUT,
    model: await modelSpec(flags),
    runtime,
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
  };
}

const LINE_EVERY_MS = 5_000;
const MAX_ERROR_LINES = 10;

/** Turns demo events into stderr lines: steps, warnings, the interruption, and a progress line every 5 s. */
function progressPrinter(io: CliIo): (event: DemoEvent) => void {
  let lastLineAt = 0;
  let errorLines = 0;
  const line = (text: string) => io.stderr(`${text}\n`);
  return (event) => {
    switch (event.type) {
      case "step":
        line(`[demo] ${event.message}`);
        return;
      case "warning":
        line(`warning: ${event.message}`);
        return;
      case "interrupt":
        line(
          `[demo] INTERRUPTED the head worker on purpose after ${event.summary.predictions + event.summary.errors} ` +
            "samples (as Ctrl-C or a closed Colab session would); the tail worker keeps going",
        );
        return;
      case "resume":
        line(
          `[demo] RESUMED the head end as worker ${event.id}: ${event.done}/${event.total} samples already done, ` +
            "it skips them and takes what is left",
        );
        return;
      case "infer": {
        const e = event.event;
        if (e.type === "start") line(`[infer] ${event.worker} worker ${e.worker} started (${e.role})`);
        else if (e.type === "warning") line(`[infer] ${event.worker}: warning: ${e.message}`);
        else if (e.type === "error" && ++errorLines <= MAX_ERROR_LINES)
          line(`[infer] ${event.worker}: error [${e.code}] ${e.exampleId}: ${e.message}`);
        else if (e.type === "done")
          line(
            `[infer] ${event.worker} worker ended (${e.summary.end}): ${e.summary.predictions} predictions, ` +
              `${e.summary.errors} failures in ${formatDuration(e.summary.elapsedMs / 1000)}`,
          );
        else if (e.type === "item" && Date.now() - lastLineAt >= LINE_EVERY_MS) {
          lastLineAt = Date.now();
          line(`[infer] ${e.counts.done}/${e.counts.total} samples done`);
        }
      }
    }
  };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The summary printed on stdout. */
export function demoSummary(r: DemoResult): string {
  const c = r.mini.counts;
  const t = r.timings;
  const out: string[] = [
    `gritloc demo finished in ${seconds(t.total)} (set ${seconds(t.build)}, model ${seconds(t.model)}, ` +
      `inference ${seconds(t.infer)}, merge + zip ${seconds(t.merge)}, score ${seconds(t.score)}, ` +
      `gt build ${seconds(t.groundtruth)}, pictures ${seconds(t.pictures)})`,
    "",
    `Mini GRIT set: ${c.scenes} scenes, ${c.images} images, ${c.samples} samples ` +
      `(${c.distorted} distorted twins, ${c.empty} asking for a shape that is not there)`,
    `Model: ${r.model.family}/${r.model.model} on ${r.model.provider}`,
  ];
  if (r.model.isSmoke) {
    out.push(
      "  !! RANDOM weights: the boxes and scores below are MEANINGLESS; they only show that every step works.",
      "  !! Real boxes: gritloc models fetch clip-vit-l14   then   gritloc demo --model slicvit",
    );
  }
  const workers = r.inference.workers
    .map(
      (w) =>
        `${w.name} ${w.summary.predictions}${w.summary.errors > 0 ? ` (+${w.summary.errors} failed)` : ""}`,
    )
    .join(", ");
  const i = r.inference.interruption;
  out.push(
    "Inference: a head and a tail worker at once on one run folder",
    i === null
      ? "  (the run ended before the head worker reached the interruption point)"
      : `  head INTERRUPTED on purpose after ${i.afterSamples} samples, resumed as worker ${i.resumedWorker}, ` +
          `which skipped the ${i.doneAtResume} samples already done`,
    `  predictions per worker: ${workers}`,
    `  merge: ${r.merge.predicted}/${r.merge.total} samples from ${r.merge.journals} journals, one prediction ` +
      (r.merge.duplicates === 0
        ? "each (no sample was done twice)"
        : `each (${r.merge.duplicates} done twice where claims raced; one record kept)`),
    "",
    formatScoresTable(r.scores, `GRIT localization accuracy on the mini set (acc ×100)`).trimEnd(),
    "",
    `Rebuilt ground truth (gt build, as for GRIT's Open Images + NYUv2 samples): ${r.groundTruth.build.records.length} ` +
      `newSrc samples (${r.groundTruth.sources.openImagesSamples} from Open Images-format CSVs, ` +
      `${r.groundTruth.sources.nyuv2Samples} from a labelled .mat); ${r.groundTruth.agreeing} match the drawn boxes exactly`,
    "",
    formatScoreReport(
      r.rebuiltScores,
      "The zip scored against the rebuilt ground truth (gritloc score --ap)",
    ).trimEnd(),
    "",
    "Files:",
    `  samples        ${r.mini.samplesPath}`,
    `  images         ${r.mini.imagesDir}`,
    `  lemma2groups   ${r.mini.lemma2groupsPath}`,
    `  run folder     ${r.runDir}`,
    `  predictions    ${r.localizationPath}`,
    `  submission     ${r.zipPath} (leaderboard format, validated)`,
    `  metrics        ${r.metricsPath} (${Object.keys(r.metrics).length} keys, as evaluate.py writes them)`,
    `  rebuilt gt     ${r.groundTruth.build.groundTruthPath} (report: gt-report.json beside it)`,
  );
  const p = r.pictures;
  if (p.gridPng !== null && p.partitionsPng !== null) {
    out.push(`  grid           ${p.gridPng}`, `  partitions     ${p.partitionsPng}`);
  } else {
    out.push(
      `  grid, chart    not written: ${p.pngSkipped}`,
      "                 (for the PNGs: apt-get install chromium, then run the demo again)",
    );
  }
  out.push(`  report         ${p.reportPath} (open in a browser; works offline)`);
  return `${out.join("\n")}\n`;
}

export const demoCommand: CliCommand = {
  summary: "Do the whole job on a built-in mini GRIT set: infer from both ends, merge, zip, score, pictures",
  usage: `Usage: gritloc demo [--out DIR] [--model smoke|slicvit|owlvit|regionclip] [model flags]
                    [--scenes N] [--interrupt-after N] [--threads N] [--no-png]

Draws a small GRIT-format set with ground truth (seeded; the same on every machine), runs inference with two
workers at once from both ends of one run folder (interrupting the head worker on purpose and resuming it),
merges, writes the leaderboard zip, scores it with the official metric (every partition), rebuilds the newSrc
samples' ground truth with 'gt build' from Open Images-format CSVs and a labelled .mat (checked against the
drawn boxes), renders the 4×4 box grid and the per-partition chart, and writes report.html. Everything goes
into DIR.

  --out DIR              output folder (default ${DEFAULT_OUT}); DIR/run is replaced on every demo
  --scenes N             scenes in the mini set, at least 8 (default 40: 52 images, 71 samples)
  --interrupt-after N    stop the head worker after N samples, then resume it (default: 1/6 of the samples)
  --threads N            decode/SLIC threads per worker (default: (cores - 1) / 2, at least 1)
  --no-png               skip the PNGs (report.html is still written); they need chromium

Model (--model, default smoke):
  smoke                  a tiny RANDOM SLICViT: no downloads, and its scores mean nothing (--seed N, --vocab V)
  slicvit                SLICViT on CLIP ViT-L/14 from \`gritloc models fetch clip-vit-l14\`, or
                         --weights W.safetensors --vocab bpe_simple_vocab_16e6.txt.gz [--config C.json]
  owlvit                 OWL-ViT B/32 from \`gritloc models fetch owlvit-b32\`, or --weights W --config C
                         --vocab V [--preprocessor-config P]
  regionclip             RegionCLIP RN50 from \`gritloc models fetch regionclip-rn50\`, or --weights W.pth
                         --vocab V [--rpn-weights R.pth] [--class-embeddings E.pth] [--class-names N.txt]
${formatFlagRows([...SLICVIT_FLAG_ROWS, OPTION_FLAG_ROW, ...runtimeFlagRows("model-threads")], 23)}`,

  async run(argv, io) {
    const options = await demoOptions(argv);
    const result = await runDemo({ ...options, onEvent: progressPrinter(io) });
    io.stdout(demoSummary(result));
    return 0;
  },
};
