/**
 * ONNX Runtime's own words, from a child process (`ort-log-child.ts`) whose stderr is read: the node placements of
 * a family's sessions (ModelSpec + runtime → PlacementSummary; the graphs come from the cache the parent already
 * filled, so the child only loads them) and the loader error behind a failed CUDA provider.
 */
import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { GritlocError } from "../errors.js";
import type { LocalizerRuntime, ModelSpec } from "../models/registry.js";
import { type PlacementSummary, parsePlacementLog } from "./placement-log.js";

/** The child's arguments: its `.js` from dist/, or its `.ts` through tsx in a source checkout. */
function childArgs(payload: unknown): string[] {
  const here = import.meta.url;
  const extension = here.slice(here.lastIndexOf("."));
  const child = fileURLToPath(new URL(`./ort-log-child${extension}`, here));
  const json = JSON.stringify(payload);
  return extension === ".ts" ? ["--import", "tsx", child, json] : [child, json];
}

/**
 * Runs the child; resolves to its exit code and stderr text. Its stderr goes to a file, not a pipe: Node makes a
 * stderr pipe non-blocking, so ORT's native writes fail with EAGAIN whenever the pipe is full and verbose logs
 * lost whole lines at random (placements of 113 to 384 nodes were read for the same RegionCLIP sessions).
 */
function runChild(payload: unknown): Promise<{ code: number | null; log: string }> {
  const dir = mkdtempSync(join(tmpdir(), "gritloc-ort-log-"));
  const path = join(dir, "stderr.log");
  const remove = () => rmSync(dir, { recursive: true, force: true });
  return new Promise<{ code: number | null; log: string }>((resolve, reject) => {
    const fd = openSync(path, "w");
    try {
      const child = spawn(process.execPath, childArgs(payload), { stdio: ["ignore", "ignore", fd] });
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, log: readFileSync(path, "utf8") }));
    } finally {
      closeSync(fd);
    }
  }).finally(remove);
}

/**
 * Opens the spec's localizer in a child process and reads the node placements ORT logs for its sessions.
 * @throws GritlocError E_PROVIDER_UNAVAILABLE when the child fails (its last error lines are in the message).
 */
export async function probePlacement(spec: ModelSpec, runtime: LocalizerRuntime): Promise<PlacementSummary> {
  const { code, log } = await runChild({ spec, runtime });
  if (code === 0) return parsePlacementLog(log);
  const tail = log
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.includes("[V:") && !l.includes("[I:"))
    .slice(-5)
    .join("\n");
  throw new GritlocError(
    "E_PROVIDER_UNAVAILABLE",
    `the placement probe for ${spec.family} exited with code ${code}: ${tail}`,
  );
}

/**
 * The dynamic loader's error from ORT's log when the CUDA provider library fails to load (provider_bridge_ort.cc:
 * "Failed to load library <path> with error: <dlerror>"), e.g. "libcublasLt.so.13: cannot open shared object
 * file: No such file or directory"; undefined when the log has no such line.
 */
export function parseProviderLoadError(log: string): string | undefined {
  // ORT colours error lines; its colour reset starts the next line, so a line ends with the error itself.
  return /Failed to load library \S+ with error: (.*?)\s*$/m.exec(log)?.[1];
}

/** Tries a CUDA session in a child process and returns the loader error ORT logged, if any. */
export async function probeCudaLoadError(): Promise<string | undefined> {
  return parseProviderLoadError((await runChild({ cudaProbe: true })).log);
}
