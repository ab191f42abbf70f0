/**
 * A short timed run: the demo's mini GRIT set → the pipelined runner (prepare pool + model, as `gritloc infer`)
 * with one family's seeded model → model time, time waiting for prepared images, samples/s, peak GPU memory and
 * the wall time GRIT's 21,078 ablation samples would take at that rate.
 */
import { join } from "node:path";
import type { MiniGrit } from "../demo/build-mini-grit.js";
import type { LocalizerRuntime, ModelSpec } from "../models/registry.js";
import type { Precision, Provider } from "../onnx/session.js";
import { runInference } from "../run/run-inference.js";
import type { ModelFamily } from "./family-probes.js";
import { sampleGpuMemory } from "./nvidia-smi.js";

/** GRIT's ablation localization samples (design §4). */
export const ABLATION_SAMPLES = 21_078;

export interface ThroughputCheck {
  readonly family: ModelFamily;
  readonly model: string;
  readonly provider: Provider;
  readonly precision: Precision;
  readonly samples: number;
  readonly prepareThreads: number;
  readonly elapsedSeconds: number;
  /** Time in `localize` calls (the model and its post-processing). */
  readonly modelSeconds: number;
  /** Time the model thread waited for decoded, resized, SLIC-segmented images. */
  readonly prepareWaitSeconds: number;
  readonly samplesPerSecond: number;
  /** `ABLATION_SAMPLES / samplesPerSecond`. */
  readonly projectedAblationSeconds: number;
  /** Peak GPU memory in use while the run went on (MiB; the whole GPU's, as nvidia-smi sees it), null without a GPU. */
  readonly peakGpuMemoryMiB: number | null;
}

export interface MeasureThroughputOptions {
  readonly mini: MiniGrit;
  readonly family: ModelFamily;
  readonly model: string;
  readonly spec: ModelSpec;
  /** The runtime's provider and precision are the ones the family check resolved (no "auto"). */
  readonly runtime: LocalizerRuntime & { readonly provider: Provider; readonly precision: Precision };
  readonly workDir: string;
  /** Samples to run. */
  readonly samples: number;
  /** Prepare worker threads. */
  readonly threads: number;
  readonly hasGpu: boolean;
}

/** Runs `samples` samples of the mini set through `runInference` into a fresh run folder under `workDir`. */
export async function measureThroughput(options: MeasureThroughputOptions): Promise<ThroughputCheck> {
  const memory = options.hasGpu ? sampleGpuMemory() : undefined;
  const run = runInference({
    samples: options.mini.samplesPath,
    images: options.mini.imagesDir,
    model: options.spec,
    runtime: options.runtime,
    run: join(options.workDir, `run-${options.family}`),
    threads: options.threads,
    limit: options.samples,
  });
  let peakGpuMemoryMiB: number | null = null;
  let summary: Awaited<typeof run.done>;
  try {
    summary = await run.done;
  } finally {
    peakGpuMemoryMiB = (await memory?.stop()) ?? null;
  }
  const samplesPerSecond = summary.samplesPerSecond;
  return {
    family: options.family,
    model: options.model,
    provider: options.runtime.provider,
    precision: options.runtime.precision,
    samples: summary.predictions + summary.errors,
    prepareThreads: options.threads,
    elapsedSeconds: summary.elapsedMs / 1000,
    modelSeconds: summary.modelSeconds,
    prepareWaitSeconds: summary.prepareWaitSeconds,
    samplesPerSecond,
    projectedAblationSeconds:
      samplesPerSecond > 0 ? ABLATION_SAMPLES / samplesPerSecond : Number.POSITIVE_INFINITY,
    peakGpuMemoryMiB,
  };
}
