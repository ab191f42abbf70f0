/**
 * The checks a worker makes before it loads a model (seconds to minutes): the images folder, the run folder,
 * and a run.json already there against this worker's model and samples file. A wrong flag then fails at once
 * instead of after the model loaded, or by marking every sample failed.
 */
import { stat } from "node:fs/promises";
import { GritlocError } from "../errors.js";
import { errnoCode, fileAccessError } from "../file-access-error.js";
import { checkModelSpec, type ModelSpecIdentity, modelIdentityChanges } from "../models/check-model-spec.js";
import { pathExists } from "../path-exists.js";
import { checkSamples, manifestPath, readRunManifest } from "./run-manifest.js";

export interface RunInputs {
  readonly imagesDir: string;
  readonly runDir: string;
  readonly model: ModelSpecIdentity;
  readonly samples: { readonly path: string; readonly sha256: string; readonly count: number };
}

async function checkImagesFolder(imagesDir: string): Promise<void> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(imagesDir)).isDirectory();
  } catch (error) {
    if (errnoCode(error) !== "ENOENT") throw fileAccessError(error, { path: imagesDir, action: "read" });
    throw new GritlocError(
      "E_NOT_FOUND",
      `images folder not found: ${imagesDir}. Give --images the folder the samples' image ids are relative ` +
        "to (GRIT's images/, made by `gritloc setup`).",
      { cause: error },
    );
  }
  if (!isFolder) {
    throw new GritlocError(
      "E_FILE_ACCESS",
      `${imagesDir} is a file, not a folder. Give --images the folder the samples' image ids are relative to.`,
    );
  }
}

/** The run folder is a folder or does not exist yet (it is created on first use). */
async function checkRunFolder(runDir: string): Promise<void> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(runDir)).isDirectory();
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return;
    throw fileAccessError(error, { path: runDir, action: "write" });
  }
  if (!isFolder) {
    throw new GritlocError(
      "E_FILE_ACCESS",
      `cannot use ${runDir} as the run folder: it is a file, not a folder. Give --run a folder (it is ` +
        "created on first use).",
    );
  }
}

/** Refuses a run folder started with another model family, other options or another samples file. */
async function checkExistingRun(inputs: RunInputs): Promise<void> {
  if (!(await pathExists(manifestPath(inputs.runDir)))) return;
  const existing = await readRunManifest(inputs.runDir);
  let recorded: ModelSpecIdentity | undefined;
  try {
    recorded = checkModelSpec(existing.modelSpec);
  } catch {
    recorded = undefined; // a spec this version cannot read: the options hash decides after the model loads
  }
  const changes = recorded === undefined ? [] : modelIdentityChanges(recorded, inputs.model);
  if (changes.length > 0) {
    throw new GritlocError(
      "E_JOURNAL_MISMATCH",
      `Run folder ${inputs.runDir} was started with model ${existing.model}; this worker asks for another ` +
        `(${changes.join(", ")}). Use the run's model flags (see ${manifestPath(inputs.runDir)}) or a new ` +
        "--run folder.",
      { details: { changes } },
    );
  }
  checkSamples(inputs.runDir, existing, inputs.samples);
}

/**
 * Runs the checks in order: images folder, run folder, existing run.json.
 * @throws GritlocError E_NOT_FOUND (no images folder), E_FILE_ACCESS (a file where a folder is needed, no
 *   permission), E_JOURNAL_MISMATCH (the run belongs to another model, options or samples file).
 */
export async function checkRunInputs(inputs: RunInputs): Promise<void> {
  await checkImagesFolder(inputs.imagesDir);
  await checkRunFolder(inputs.runDir);
  await checkExistingRun(inputs);
}
