/**
 * Manifest files: a path → its parsed JSON, with E_NOT_FOUND / E_MANIFEST_INVALID errors that name the file.
 */
import { readFile } from "node:fs/promises";
import { GritlocError } from "../errors.js";

/** Reads and parses a manifest file given with `--manifest FILE` (or the `manifest` option). */
export async function readManifestJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new GritlocError("E_NOT_FOUND", `manifest not found: ${file}. Check the --manifest path.`, {
        cause: error,
      });
    }
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new GritlocError(
      "E_MANIFEST_INVALID",
      `${file} is not valid JSON: ${(error as Error).message}. Fix the file, or start from a copy of the one in data-manifests/.`,
      { cause: error },
    );
  }
}
