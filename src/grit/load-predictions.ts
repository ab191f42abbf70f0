/**
 * Predictions from disk: a `localization.json` or a submission zip (`<subset>/localization.json` +
 * `<subset>/params.json`, read with fflate) → `LoadedPredictions`. Entries are not validated here; see
 * `validatePredictions`.
 */
import { basename, dirname, join } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { GritlocError } from "../errors.js";
import { pathExists } from "../path-exists.js";
import { describeValue, isJsonObject, parseJsonText, readInputFile } from "./json-file.js";
import { type NonFiniteToken, parsePythonJson } from "./python-json.js";
import { parsePredictions, type SubmissionEntry } from "./submission.js";

export interface LoadedPredictions {
  readonly entries: SubmissionEntry[];
  /** What the file was: a localization.json or a submission zip. */
  readonly format: "json" | "zip";
  /** From the zip's params.json, or a params.json beside a localization.json; null when there is none. */
  readonly paramsInMillions: number | null;
  /** The zip's top folder, or the folder of a localization.json when it is named ablation/test; else null. */
  readonly subset: string | null;
  /** NaN/Infinity tokens found in the JSON (Python writes them); `validatePredictions` names their entries. */
  readonly nonFiniteTokens: readonly NonFiniteToken[];
  /** What was read, for messages: the path, or `<zip>:<subset>/localization.json`. */
  readonly source: string;
}

const ZIP_MAGIC = [0x50, 0x4b];
const SUBSET_NAMES = new Set(["ablation", "test"]);

/** Reads `{"params_in_millions": number}`. */
export function parseParamsJson(json: unknown, fileName: string): number {
  const value = isJsonObject(json) ? json.params_in_millions : undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new GritlocError(
      "E_PREDICTIONS_INVALID",
      `${fileName}: expected {"params_in_millions": <non-negative number>}, got params_in_millions = ` +
        `${describeValue(value)}`,
    );
  }
  return value;
}

function parseEntriesText(text: string, fileName: string) {
  let parsed: ReturnType<typeof parsePythonJson>;
  try {
    parsed = parsePythonJson(text);
  } catch (error) {
    throw new GritlocError(
      "E_PREDICTIONS_INVALID",
      `${fileName} is not valid JSON: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return { entries: parsePredictions(parsed.value, fileName), nonFiniteTokens: parsed.nonFiniteTokens };
}

function loadZip(bytes: Uint8Array, path: string): LoadedPredictions {
  const names: string[] = [];
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (file) => {
        names.push(file.name);
        return /^[^/]+\/(localization|params)\.json$/.test(file.name);
      },
    });
  } catch (error) {
    throw new GritlocError(
      "E_PREDICTIONS_INVALID",
      `${path} is not a readable zip: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const found = Object.keys(files).filter((name) => name.endsWith("/localization.json"));
  if (found.length !== 1) {
    const listing = names.length === 0 ? "nothing" : names.slice(0, 10).join(", ");
    throw new GritlocError(
      "E_PREDICTIONS_INVALID",
      `${path}: expected exactly one <subset>/localization.json in the zip, found ${found.length} ` +
        `(it holds ${listing}). The leaderboard expects ablation/localization.json or test/localization.json; ` +
        "`gritloc submit` writes that layout.",
    );
  }
  const subset = found[0].slice(0, -"/localization.json".length);
  const source = `${path}:${found[0]}`;
  const { entries, nonFiniteTokens } = parseEntriesText(strFromU8(files[found[0]]), source);
  const paramsBytes = files[`${subset}/params.json`];
  const paramsName = `${path}:${subset}/params.json`;
  const paramsInMillions =
    paramsBytes === undefined
      ? null
      : parseParamsJson(
          parseJsonText(strFromU8(paramsBytes), paramsName, "E_PREDICTIONS_INVALID"),
          paramsName,
        );
  return { entries, format: "zip", paramsInMillions, subset, nonFiniteTokens, source };
}

async function readParamsBeside(path: string): Promise<number | null> {
  const paramsPath = join(dirname(path), "params.json");
  if (!(await pathExists(paramsPath))) return null;
  const text = (await readInputFile(paramsPath, "params file")).toString("utf8");
  return parseParamsJson(parseJsonText(text, paramsPath, "E_PREDICTIONS_INVALID"), paramsPath);
}

/**
 * Loads predictions from a `localization.json` (a params.json beside it is read too, as in the
 * official `<pred_dir>/<subset>/` layout) or from a submission zip. Accepts the `NaN`/`Infinity` tokens that
 * Python writes, so that validation can name the entries that hold them.
 *
 * @throws GritlocError E_NOT_FOUND, or E_PREDICTIONS_INVALID for unreadable JSON/zip or a wrong zip layout.
 * @example
 * const { entries, paramsInMillions } = await loadPredictions("ablation.zip");
 */
export async function loadPredictions(path: string): Promise<LoadedPredictions> {
  const bytes = await readInputFile(path, "predictions file");
  if (bytes[0] === ZIP_MAGIC[0] && bytes[1] === ZIP_MAGIC[1]) return loadZip(bytes, path);
  const { entries, nonFiniteTokens } = parseEntriesText(bytes.toString("utf8"), path);
  const folder = basename(dirname(path));
  return {
    entries,
    format: "json",
    paramsInMillions: await readParamsBeside(path),
    subset: SUBSET_NAMES.has(folder) ? folder : null,
    nonFiniteTokens,
    source: path,
  };
}
