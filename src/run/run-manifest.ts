/**
 * `<run>/run.json`: what a run folder is bound to (model spec + options hash, samples file + sha256, chunk
 * size). The first worker writes it; every later worker and merge check against it (E_JOURNAL_MISMATCH).
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { writeFileOnce } from "../atomic-file.js";
import { GritlocError } from "../errors.js";

export const RUN_FORMAT = "gritloc-run/1";

export interface RunManifest {
  readonly format: typeof RUN_FORMAT;
  /** The JSON model spec the run was started with (as given to the model registry). */
  readonly modelSpec: unknown;
  readonly family: string;
  readonly model: string;
  readonly optionsHash: string;
  readonly paramsInMillions: number;
  readonly samples: { readonly path: string; readonly sha256: string; readonly count: number };
  readonly chunkSize: number;
  /** ISO time. */
  readonly created: string;
  readonly gritlocVersion: string;
}

/** The path of a run folder's manifest. */
export function manifestPath(runDir: string): string {
  return join(runDir, "run.json");
}

/** gritloc's package version (read from package.json next to src/ or dist/). */
export function gritlocVersion(): string {
  return (createRequire(import.meta.url)("../../package.json") as { version: string }).version;
}

function toWire(m: RunManifest): string {
  const wire = {
    format: m.format,
    model_spec: m.modelSpec,
    family: m.family,
    model: m.model,
    options_hash: m.optionsHash,
    params_in_millions: m.paramsInMillions,
    samples: m.samples,
    chunk_size: m.chunkSize,
    created: m.created,
    gritloc_version: m.gritlocVersion,
  };
  return `${JSON.stringify(wire, null, 2)}\n`;
}

function fromWire(path: string, text: string): RunManifest {
  const w = JSON.parse(text) as Record<string, unknown>;
  const samples = w.samples as RunManifest["samples"] | undefined;
  const valid =
    w.format === RUN_FORMAT &&
    typeof w.options_hash === "string" &&
    typeof w.model === "string" &&
    Number.isInteger(w.chunk_size) &&
    typeof samples?.sha256 === "string";
  if (!valid) {
    throw new GritlocError(
      "E_JOURNAL_MISMATCH",
      `${path} is not a gritloc run manifest (format ${RUN_FORMAT}). Use an empty folder for --run.`,
    );
  }
  return {
    format: RUN_FORMAT,
    modelSpec: w.model_spec,
    family: String(w.family),
    model: w.model as string,
    optionsHash: w.options_hash as string,
    paramsInMillions: Number(w.params_in_millions),
    samples: samples as RunManifest["samples"],
    chunkSize: w.chunk_size as number,
    created: String(w.created),
    gritlocVersion: String(w.gritloc_version),
  };
}

/**
 * Reads `<run>/run.json`.
 * @throws GritlocError E_NOT_FOUND when the folder has none, E_JOURNAL_MISMATCH when it is not a manifest.
 */
export async function readRunManifest(runDir: string): Promise<RunManifest> {
  const path = manifestPath(runDir);
  // Another machine may be writing it right now (no atomic create on network drives): retry a partial file.
  for (let attempt = 0; ; attempt++) {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      throw new GritlocError(
        "E_NOT_FOUND",
        `${path} does not exist: ${runDir} is not a run folder. Start the run with \`gritloc infer --run ${runDir}\`.`,
      );
    }
    try {
      return fromWire(path, text);
    } catch (error) {
      if (!(error instanceof SyntaxError) || attempt >= 5) {
        if (error instanceof SyntaxError) {
          throw new GritlocError("E_JOURNAL_MISMATCH", `${path} is not valid JSON (${error.message}).`);
        }
        throw error;
      }
      await sleep(200);
    }
  }
}

/**
 * Writes `run.json` unless the folder has one; resolves to the manifest in force (the existing one wins, and
 * is checked against `proposed` with {@link checkManifest}). The file appears whole or not at all
 * ({@link writeFileOnce}).
 */
export async function openRunManifest(runDir: string, proposed: RunManifest): Promise<RunManifest> {
  const path = manifestPath(runDir);
  // Exclusive where hard links work; elsewhere a racing worker's copy may win: both describe the same run, or
  // the check below refuses one.
  await writeFileOnce(path, toWire(proposed));
  const existing = await readRunManifest(runDir);
  checkManifest(runDir, existing, proposed);
  return existing;
}

/**
 * Refuses a worker whose model/options or samples file differ from the run's.
 * @throws GritlocError E_JOURNAL_MISMATCH naming both sides and the way out.
 */
export function checkManifest(
  runDir: string,
  existing: RunManifest,
  current: Pick<RunManifest, "model" | "optionsHash" | "samples">,
): void {
  if (existing.optionsHash !== current.optionsHash) {
    throw new GritlocError(
      "E_JOURNAL_MISMATCH",
      `Run folder ${runDir} was started with model ${existing.model} (options ${existing.optionsHash}); ` +
        `this worker uses model ${current.model} (options ${current.optionsHash}). Use the run's model and ` +
        `options (see ${manifestPath(runDir)}) or a new --run folder.`,
      { details: { expected: existing.optionsHash, found: current.optionsHash } },
    );
  }
  checkSamples(runDir, existing, current.samples);
}

/** Refuses a samples file whose content changed since the run started. */
export function checkSamples(
  runDir: string,
  existing: RunManifest,
  samples: { readonly path: string; readonly sha256: string; readonly count: number },
): void {
  if (existing.samples.sha256 === samples.sha256) return;
  throw new GritlocError(
    "E_JOURNAL_MISMATCH",
    `Samples file ${samples.path} changed since run ${runDir} started: the run was made from ` +
      `${existing.samples.path} with sha256 ${existing.samples.sha256} (${existing.samples.count} samples), ` +
      `the file now has sha256 ${samples.sha256} (${samples.count} samples). Restore the original samples file, ` +
      `or start a new --run folder for the new one.`,
    { details: { expected: existing.samples.sha256, found: samples.sha256 } },
  );
}
