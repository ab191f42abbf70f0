/**
 * Built ONNX graphs cached on disk under `<cacheDir>/graphs/`, keyed by a hash of the weights' identity and
 * every build option, so a checkpoint is converted once per machine. Key + builder → path of the `.onnx` file.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createLogger } from "../../logger.js";
import { makeFolder } from "../../make-folder.js";
import type { OnnxModel } from "../../onnx/graph-builder.js";
import { writeModelFiles } from "../../onnx/model-writer.js";

const log = createLogger("models");

/** Bumped whenever graph construction changes, so stale cached graphs are never reused. */
export const GRAPH_FORMAT_VERSION = 2;

/** A stable hex key for a JSON-serialisable description. */
export function hashKey(description: unknown): string {
  return createHash("sha256")
    .update(JSON.stringify({ v: GRAPH_FORMAT_VERSION, description }))
    .digest("hex");
}

/**
 * The path of the cached graph `<kind>-<key>.onnx`, building and writing it first when it is missing.
 */
export async function cachedGraph(
  cacheDir: string,
  kind: string,
  description: unknown,
  build: () => OnnxModel,
): Promise<string> {
  const dir = join(cacheDir, "graphs");
  const path = join(dir, `${kind}-${hashKey(description).slice(0, 24)}.onnx`);
  if (existsSync(path)) {
    log.debug(`using cached graph ${path}`);
    return path;
  }
  await makeFolder(dir); // fails fast (E_FILE_ACCESS) where Node's recursive mkdir would spin, e.g. below /proc
  const started = Date.now();
  await writeModelFiles(build(), path);
  log.info(`built ${kind} graph in ${((Date.now() - started) / 1000).toFixed(1)} s → ${path}`);
  return path;
}
