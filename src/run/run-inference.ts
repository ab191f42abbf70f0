/**
 * The library entry point of a run: options (samples file, images folder, model spec, run folder, end or
 * shard) → one worker with a localizer from the registry and a worker-thread prepare pool → RunHandle.
 */
import { availableParallelism } from "node:os";
import { sha256File } from "../data/hash-file.js";
import { invalidOption } from "../errors.js";
import { loadSamples } from "../grit/samples.js";
import { checkModelSpec } from "../models/check-model-spec.js";
import type { Localizer } from "../models/localizer.js";
import { createLocalizer, type LocalizerRuntime, type ModelSpec } from "../models/registry.js";
import { validateRuntimeOptions } from "../onnx/session.js";
import { prepareImage } from "../vision/prepare.js";
import { createPreparePool } from "../vision/prepare-pool.js";
import { checkRunInputs } from "./check-run-inputs.js";
import type { RunHandle } from "./run-handle.js";
import { startRun } from "./run-handle.js";
import { type RoleOptions, type RunTuning, resolveRole, resolveTuning } from "./run-options.js";
import { type PrepareFn, runWorker } from "./run-worker.js";
import { newWorkerId } from "./worker-id.js";

export interface RunInferenceOptions extends RoleOptions, RunTuning {
  /** The GRIT samples file, e.g. `samples/ablation/localization.json`. */
  readonly samples: string;
  /** The folder `image_id`s are relative to (GRIT's `images/`). */
  readonly images: string;
  /** The model; recorded in `<run>/run.json`, and every later worker of the run must use the same. */
  readonly model: ModelSpec;
  /** The run folder (local, or a Google Drive folder shared by several sessions); created if needed. */
  readonly run: string;
  /** Provider, precision, ONNX threads, graph cache (for a localizer made here). */
  readonly runtime?: LocalizerRuntime;
  /** A localizer already made from `model` (left open at the end); else one is made and disposed. */
  readonly localizer?: Localizer;
  /**
   * Worker threads that decode, resize and run SLIC while the model runs; 0 prepares on the main thread
   * between model calls (no overlap). @default max(1, cores - 1)
   */
  readonly threads?: number;
  /** Stop after this many samples in this session (resume later). @default no limit */
  readonly limit?: number;
  /** Run again the samples that failed in earlier sessions (e.g. after fixing missing images). @default false */
  readonly retryErrors?: boolean;
}

function requirePath(name: string, value: unknown): string {
  if (typeof value !== "string" || value === "") throw invalidOption(name, "a path", value);
  return value;
}

/**
 * Starts one inference worker on a run folder. Any number of workers (other processes, other machines on the
 * same Drive folder) may run at once: each appends to its own journal, skips what others did, and stops
 * when nothing is left. Merge the result with `mergeRun`.
 *
 * @throws GritlocError E_INVALID_OPTION at once for bad options (model options and provider included); the
 *   handle's `done` rejects, before the model loads, with E_NOT_FOUND (no images folder), E_FILE_ACCESS (--run
 *   is a file), E_JOURNAL_MISMATCH (other model/options or changed samples file), E_SAMPLES_INVALID, ….
 * @example
 * const run = runInference({ samples: "samples/ablation/localization.json", images: "images",
 *   model: { family: "smoke" }, run: "/content/drive/MyDrive/runs/smoke", end: "tail" });
 * run.on((event) => event.type === "error" && console.log(event.exampleId, event.message));
 * const summary = await run.done; // { predictions, errors, doneByOthers, remaining, ... }
 */
export function runInference(options: RunInferenceOptions): RunHandle {
  if (typeof options !== "object" || options === null) throw invalidOption("options", "an object", options);
  const samplesPath = requirePath("samples", options.samples);
  const imagesDir = requirePath("images", options.images);
  const runDir = requirePath("run", options.run);
  if (typeof options.model !== "object" || options.model === null) {
    throw invalidOption("model", 'a ModelSpec object, e.g. { family: "smoke" }', options.model);
  }
  const threads = options.threads ?? Math.max(1, availableParallelism() - 1);
  if (!Number.isInteger(threads) || threads < 0) throw invalidOption("threads", "an integer ≥ 0", threads);
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  if (limit !== Number.POSITIVE_INFINITY && (!Number.isInteger(limit) || limit < 0)) {
    throw invalidOption("limit", "an integer ≥ 0", limit);
  }
  const role = resolveRole(options);
  const tuning = resolveTuning(options, threads);
  // Checked here, not when the model loads: a bad option or provider fails before any weights are read.
  const modelIdentity = checkModelSpec(options.model);
  validateRuntimeOptions(options.runtime ?? {});
  const workerId = newWorkerId();

  return startRun(workerId, async (emit, signal) => {
    const samples = await loadSamples(samplesPath);
    const sha256 = await sha256File(samplesPath);
    await checkRunInputs({
      imagesDir,
      runDir,
      model: modelIdentity,
      samples: { path: samplesPath, sha256, count: samples.length },
    });
    const localizer = options.localizer ?? (await createLocalizer(options.model, options.runtime));
    const pool = threads > 0 ? createPreparePool({ threads }) : undefined;
    const prepare: PrepareFn =
      pool === undefined
        ? (path, spec) => prepareImage(path, spec)
        : (path, spec) => pool.prepare(path, spec);
    try {
      const config = {
        samples,
        samplesFile: { path: samplesPath, sha256 },
        modelSpec: options.model,
        imagesDir,
        runDir,
        workerId,
        role,
        limit,
        retryErrors: options.retryErrors === true,
        ...tuning,
      };
      return await runWorker({ localizer, prepare }, config, emit, signal);
    } finally {
      await pool?.close();
      if (options.localizer === undefined) await localizer.dispose();
    }
  });
}
