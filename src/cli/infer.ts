/**
 * `gritloc infer`: flags → ModelSpec (`model-flags.ts`) + run options → `runInference`, with a
 * progress bar (cli-progress on a terminal, a line every few seconds otherwise) and a summary. Exits 1 when
 * samples failed, and 130 (as shells report Ctrl-C) after a graceful stop on SIGINT, so that
 * `gritloc infer ... && gritloc merge ...` does not merge an unfinished run.
 */
import { Presets, SingleBar } from "cli-progress";
import { countNoun } from "../count-noun.js";
import type { RunEvent, RunSummary } from "../run/run-event.js";
import { type RunInferenceOptions, runInference } from "../run/run-inference.js";
import { formatDuration, ProgressMeter, type ProgressSnapshot } from "../run/run-progress.js";
import {
  conflictingFlags,
  type ParsedFlags,
  parseChoiceFlag,
  parseFlagsOnly,
  parseIntegerFlag,
  requireFlag,
} from "./args.js";
import type { CliCommand, CliIo } from "./command.js";
import { formatFlagRows } from "./flag-rows.js";
import { MODEL_FLAG_SPEC, modelSpecFromFlags, OPTION_FLAG_ROW, SLICVIT_FLAG_ROWS } from "./model-flags.js";
import { RUNTIME_FLAG_SPEC, runtimeFlagRows, runtimeFromFlags } from "./runtime-flags.js";

const spec = {
  samples: { type: "string" },
  images: { type: "string" },
  run: { type: "string" },
  end: { type: "string" },
  shard: { type: "string" },
  "shard-only": { type: "boolean" },
  limit: { type: "string" },
  "retry-errors": { type: "boolean" },
  threads: { type: "string" },
  "chunk-size": { type: "string" },
  ...MODEL_FLAG_SPEC,
  ...RUNTIME_FLAG_SPEC,
  "model-threads": { type: "string" },
} as const;

type InferFlags = ParsedFlags<typeof spec>;

/** Flags → the options object `runInference` takes (exported for tests). */
export function inferOptions(argv: readonly string[]): RunInferenceOptions {
  const flags = parseFlagsOnly(argv, spec);
  if (flags.end !== undefined && flags.shard !== undefined) throw conflictingFlags("end", "shard");
  const end = flags.end === undefined ? undefined : parseChoiceFlag(flags.end, "end", ["head", "tail"]);
  const int = (name: keyof InferFlags & string, min: number) => {
    const value = flags[name];
    return typeof value === "string" ? parseIntegerFlag(value, name, { min }) : undefined;
  };
  const runtime = runtimeFromFlags(flags, "model-threads");
  const optional = {
    end,
    shard: flags.shard,
    helpOthers: flags["shard-only"] === true ? false : undefined,
    limit: int("limit", 0),
    threads: int("threads", 0),
    chunkSize: int("chunk-size", 1),
  };
  return {
    samples: requireFlag(flags.samples, "samples"),
    images: requireFlag(flags.images, "images"),
    run: requireFlag(flags.run, "run"),
    model: modelSpecFromFlags(flags),
    runtime,
    retryErrors: flags["retry-errors"] === true,
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
  };
}

const MAX_ERROR_LINES = 20;
/** The exit code of a run stopped by Ctrl-C: 128 + SIGINT's number, what shells report. */
export const INTERRUPTED_EXIT_CODE = 130;
const LINE_EVERY_MS = 10_000;

function progressLine(role: string, p: ProgressSnapshot): string {
  const percent = p.total === 0 ? 100 : (100 * p.done) / p.total;
  return (
    `infer ${role}: ${p.done}/${p.total} (${percent.toFixed(1)}%) | ${p.rate.toFixed(2)} samples/s | ` +
    `ETA ${formatDuration(p.etaSeconds)} | by others ${p.byOthers} | errors ${p.errors}`
  );
}

/** Draws progress: a cli-progress bar on a terminal, otherwise one line every LINE_EVERY_MS. */
class ProgressView {
  private readonly meter = new ProgressMeter();
  private bar: SingleBar | undefined;
  private role = "";
  private lastLineAt = 0;
  private errorLines = 0;

  constructor(private readonly io: CliIo) {}

  handle(event: RunEvent): void {
    this.meter.update(event);
    switch (event.type) {
      case "start":
        this.role = event.role;
        this.message(`worker ${event.worker} (${event.role}) on ${event.model}; journal ${event.journal}`);
        this.startBar();
        break;
      case "warning":
        this.message(`warning: ${event.message}`);
        break;
      case "error":
        if (++this.errorLines <= MAX_ERROR_LINES)
          this.message(`error [${event.code}] ${event.exampleId}: ${event.message}`);
        else if (this.errorLines === MAX_ERROR_LINES + 1) this.message("(more errors: see the summary)");
        break;
      case "wait":
        this.message(`waiting for chunk(s) ${event.chunks.join(", ")} claimed by other live workers`);
        break;
      case "done":
        this.finish();
        return;
    }
    this.draw();
  }

  private startBar(): void {
    if (!this.io.isTty) return;
    const stream = {
      isTTY: true,
      columns: process.stderr.columns ?? 100,
      write: (text: string) => {
        this.io.stderr(text);
        return true;
      },
    };
    this.bar = new SingleBar(
      {
        stream: stream as unknown as NodeJS.WritableStream,
        format: `infer ${this.role} [{bar}] {percentage}% {value}/{total} | {rate}/s | ETA {etaText} | others {others} | errors {errors}`,
        hideCursor: true,
        barsize: 30,
      },
      Presets.shades_classic,
    );
    const p = this.meter.snapshot();
    this.bar.start(p.total, p.done, this.payload(p));
  }

  private payload(p: ProgressSnapshot) {
    return {
      rate: p.rate.toFixed(2),
      etaText: formatDuration(p.etaSeconds),
      others: p.byOthers,
      errors: p.errors,
    };
  }

  private draw(): void {
    const p = this.meter.snapshot();
    if (this.bar !== undefined) {
      this.bar.update(p.done, this.payload(p));
      return;
    }
    const now = Date.now();
    if (now - this.lastLineAt < LINE_EVERY_MS) return;
    this.lastLineAt = now;
    this.io.stderr(`${progressLine(this.role, p)}\n`);
  }

  private message(text: string): void {
    // On a terminal, clear the bar's line first; the next update redraws it below the message.
    this.io.stderr(this.bar === undefined ? `${text}\n` : `\r\x1b[2K${text}\n`);
  }

  /** Stops the bar if the run ended without a `done` event (it failed). */
  close(): void {
    this.bar?.stop();
    this.bar = undefined;
  }

  private finish(): void {
    if (this.bar !== undefined) {
      const p = this.meter.snapshot();
      this.bar.update(p.done, this.payload(p));
      this.bar.stop();
      this.bar = undefined;
    } else {
      this.io.stderr(`${progressLine(this.role, this.meter.snapshot())}\n`);
    }
  }
}

function summaryText(s: RunSummary, options: RunInferenceOptions): string {
  const lines = [
    `${s.end === "finished" ? "finished" : s.end === "limit" ? "stopped at --limit" : "stopped"}: ` +
      `${countNoun(s.predictions, "prediction")} and ${countNoun(s.errors, "failure")} by worker ${s.worker} ` +
      `in ${formatDuration(s.elapsedMs / 1000)} (${s.samplesPerSecond.toFixed(2)} samples/s); ` +
      `${s.doneByOthers} done by other workers meanwhile.`,
    `time: ${s.modelSeconds.toFixed(1)} s in the model, ${s.prepareWaitSeconds.toFixed(1)} s waiting for ` +
      "prepared images (if that is large, preparation is the bottleneck: raise --threads).",
    `run ${s.runDir}: ${s.total - s.remaining}/${countNoun(s.total, "sample")} done, ${s.runErrors} failed, ` +
      `${s.remaining} left.`,
  ];
  if (s.remaining > 0) lines.push(`Resume with the same command (any end or shard) to do the rest.`);
  if (s.runErrors > 0) {
    lines.push(
      `${countNoun(s.runErrors, "sample")} failed; fix the cause (see the errors above) and run again with ` +
        "--retry-errors.",
    );
  }
  if (s.remaining === 0 && s.runErrors === 0) {
    lines.push(
      `Merge with: gritloc merge --run ${options.run} --samples ${options.samples} --out localization.json`,
    );
  }
  return `${lines.join("\n")}\n`;
}

export const inferCommand: CliCommand = {
  summary: "Run a model over GRIT samples into a crash-safe run folder (resumable, several workers at once)",
  usage: `Usage: gritloc infer --samples S --images DIR --model smoke|slicvit|owlvit|regionclip --run RUN_DIR
                     [--end head|tail | --shard k/N [--shard-only]] [--limit n] [--retry-errors]
                     [--threads n] [--provider auto|cpu|cuda] [model flags]

Localizes every sample into RUN_DIR (a local or Google Drive folder). Each worker appends to its own
journal; any number of workers may run on one RUN_DIR at once (e.g. two Colab sessions, --end head and
--end tail): each skips what the others did, and stops when nothing is left. Killed or interrupted (Ctrl-C
stops after the current sample and exits 130), it resumes where the journals end. Merge with 'gritloc merge'.

  --samples S          GRIT samples file (samples/<subset>/localization.json); bound to the run by sha256
  --images DIR         the folder image ids are relative to (GRIT images/)
  --run RUN_DIR        the run folder (run.json + journal/); created on first use
  --end head|tail      work from the start (default) or from the end of the plan
  --shard k/N          work the k-th of N contiguous parts, then help the others from their ends
  --shard-only         with --shard: stop after the own part
  --limit n            stop after n samples in this session
  --retry-errors       run again the samples that failed in earlier sessions
  --threads n          worker threads for decode/resize/SLIC (default: cores - 1; 0 = main thread)
  --chunk-size n       samples per claimed chunk, fixed when the run is created (default 8)

Model (--model):
  smoke                a tiny RANDOM SLICViT (no files; --seed N, --vocab V optional)
  slicvit              SLICViT on CLIP: --weights W.safetensors --vocab bpe_simple_vocab_16e6.txt.gz
                       [--config C.json]
  owlvit               OWL-ViT: --weights model.safetensors --config config.json --vocab V
                       [--preprocessor-config P] (files from 'gritloc models fetch owlvit-b32');
                       --option mode=grit (default) or mode=hf, scoreThreshold, nmsIouThreshold, maxBoxes
  regionclip           RegionCLIP zero-shot: --weights regionclip_pretrained-cc_rn50.pth --vocab V
                       [--rpn-weights rpn_lvis_866.pth] [--class-embeddings lvis_1203_cls_emb.pth]
                       [--class-names names.txt] (files from 'gritloc models fetch regionclip-rn50');
                       --option mode=grit (default) or mode=reference, minScore, maxBoxes, proposals
${formatFlagRows([...SLICVIT_FLAG_ROWS, OPTION_FLAG_ROW, ...runtimeFlagRows("model-threads")], 21)}`,

  async run(argv, io) {
    const options = inferOptions(argv);
    const handle = runInference(options);
    const view = new ProgressView(io);
    handle.on((event) => view.handle(event));
    let interrupts = 0;
    const onSigint = () => {
      interrupts++;
      if (interrupts === 1) {
        io.stderr("\nstopping after the current sample (Ctrl-C again to quit at once)\n");
        void handle.stop();
      } else {
        process.exit(INTERRUPTED_EXIT_CODE);
      }
    };
    process.on("SIGINT", onSigint);
    try {
      const summary = await handle.done;
      io.stdout(summaryText(summary, options));
      if (interrupts > 0 && summary.end === "stopped") return INTERRUPTED_EXIT_CODE;
      return summary.errors > 0 || summary.runErrors > 0 ? 1 : 0;
    } finally {
      view.close();
      process.off("SIGINT", onSigint);
    }
  },
};
