/**
 * A checkpoint's config file as text (CLIP config JSON, OWL-ViT config.json, preprocessor_config.json):
 * path → its UTF-8 contents, or E_NOT_FOUND naming what it is, the file, why, and the next step.
 */
import { readFileSync } from "node:fs";
import { GritlocError } from "../../errors.js";

/**
 * Reads `path` as UTF-8.
 * @param what e.g. "CLIP config", for the message "Cannot read CLIP config <path>: <reason>".
 * @param nextStep a sentence appended to the message, e.g. how to fetch the file.
 * @throws GritlocError E_NOT_FOUND when the file cannot be read (the fs error kept as `cause`).
 * @example const text = readConfigText("config.json", "OWL-ViT config");
 */
export function readConfigText(path: string, what: string, nextStep?: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const next = nextStep === undefined ? "" : `. ${nextStep}`;
    throw new GritlocError("E_NOT_FOUND", `Cannot read ${what} ${path}: ${(error as Error).message}${next}`, {
      cause: error,
    });
  }
}
