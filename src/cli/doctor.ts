/**
 * `gritloc doctor`: flags → `runDoctor` options, progress on stderr, and the report as pass/warn/fail lines (or,
 * with --json, one JSON object). Exits 1 when a check failed.
 */

import { formatDoctorLines } from "../doctor/doctor-lines.js";
import { FAMILY_PROBES, type ModelFamily } from "../doctor/family-probes.js";
import { type DoctorOptions, type DoctorReport, runDoctor } from "../doctor/run-doctor.js";
import { PROVIDER_REQUESTS, type Precision } from "../onnx/session.js";
import { parseChoiceFlag, parseFlagsOnly, parseIntegerFlag } from "./args.js";
import type { CliCommand } from "./command.js";

const spec = {
  model: { type: "string" },
  provider: { type: "string" },
  precision: { type: "string" },
  full: { type: "boolean" },
  samples: { type: "string" },
  threads: { type: "string" },
  "work-dir": { type: "string" },
  json: { type: "boolean" },
} as const;

const FAMILIES = Object.keys(FAMILY_PROBES) as ModelFamily[];

/** Flags → the options object `runDoctor` takes, and whether to print JSON (exported for tests). */
export function parseDoctorFlags(argv: readonly string[]): { options: DoctorOptions; json: boolean } {
  const flags = parseFlagsOnly(argv, spec);
  const choice = <C extends string>(flag: "provider" | "precision" | "model", choices: readonly C[]) => {
    const value = flags[flag];
    return value === undefined ? undefined : parseChoiceFlag(value, flag, choices);
  };
  const optional = {
    model: choice("model", FAMILIES),
    provider: choice("provider", PROVIDER_REQUESTS),
    precision: choice<Precision>("precision", ["fp16", "fp32"]),
    full: flags.full === true ? true : undefined,
    samples: flags.samples === undefined ? undefined : parseIntegerFlag(flags.samples, "samples", { min: 1 }),
    threads: flags.threads === undefined ? undefined : parseIntegerFlag(flags.threads, "threads", { min: 1 }),
    workDir: flags["work-dir"],
  };
  const options = Object.fromEntries(
    Object.entries(optional).filter(([, v]) => v !== undefined),
  ) as DoctorOptions;
  return { options, json: flags.json === true };
}

/** The report as one JSON object (an infinite projection, from a run that did nothing, becomes null). */
export function doctorJson(report: DoctorReport): string {
  return `${JSON.stringify(report, (_key, value) => (value === Number.POSITIVE_INFINITY ? null : value), 2)}\n`;
}

export const doctorCommand: CliCommand = {
  summary:
    "Check the setup: versions, GPU, CUDA provider, each model family on it, and how fast a run will be",
  usage: `Usage: gritloc doctor [--model ${FAMILIES.join("|")}] [--provider P] [--precision P] [--full] [--json]
                      [--samples N] [--threads N] [--work-dir DIR]

Says in one pass/warn/fail line each: the Node, onnxruntime-node and gritloc versions; the GPU (nvidia-smi); whether
onnxruntime's CUDA provider is installed and loads (and if not, why, and the command that installs it); for each
model family, a seeded random model of realistic shape (no downloads) built and run on the chosen provider and
precision, compared with fp32 on the CPU (largest difference, same boxes or not), and which nodes ONNX Runtime
placed on the CPU under CUDA; and a short timed run over the demo's mini set with the pipelined runner (model
time, time waiting for prepared images, samples/s, peak GPU memory, projected time for GRIT's 21,078 ablation
samples). About a minute on 2 CPU cores with the default sizes.

  --model F              check only this family (and time it); default: every family, timed with slicvit
  --provider P           auto (default: CUDA if it loads, else CPU), cpu or cuda
  --precision P          compared with CPU fp32: fp16 (default) or fp32; the timed run uses fp16 on CUDA and
                         fp32 on the CPU unless this is given
  --full                 the released models' sizes (CLIP ViT-B/16, OWL-ViT B/32, RegionCLIP RN50) instead of
                         the quick ones
  --samples N            samples in the timed run (default 8)
  --threads N            prepare threads in the timed run (default: cores - 1, at least 1)
  --work-dir DIR         keep the models, graphs and mini set in DIR (default: a temporary folder, removed)
  --json                 print the report as one JSON object (versions, gpu, cuda, families, throughput, checks)

Exits 1 when a check failed.`,

  async run(argv, io) {
    const { options, json } = parseDoctorFlags(argv);
    const report = await runDoctor({ ...options, onProgress: (m) => io.stderr(`[doctor] ${m}\n`) });
    io.stdout(json ? doctorJson(report) : formatDoctorLines(report.checks));
    return report.checks.some((c) => c.status === "fail") ? 1 : 0;
  },
};
