/**
 * GRIT edge I/O: a JSON file path → its parsed value, with errors that name the file and the next step.
 * Used by the samples, lemma2groups and predictions loaders.
 */
import { readFile } from "node:fs/promises";
import { GritlocError, type GritlocErrorCode } from "../errors.js";
import { fileAccessError } from "../file-access-error.js";

/**
 * Reads a whole file; a missing file becomes E_NOT_FOUND naming `what` and the path, an unreadable one (no
 * permission, a folder) E_FILE_ACCESS.
 */
export async function readInputFile(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw fileAccessError(error, { path, action: "read", what });
  }
}

/** `JSON.parse` whose SyntaxError becomes a GritlocError with `code` that names the file. */
export function parseJsonText(text: string, fileName: string, code: GritlocErrorCode): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new GritlocError(code, `${fileName} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** A short, readable rendering of a JSON value for messages ("5 of type number", "null", "an object"). */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing (the key is missing)";
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === "string")
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (typeof value === "object") return "an object";
  return `${String(value)} of type ${typeof value}`;
}

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
