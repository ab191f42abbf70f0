/**
 * `gritloc infer` as its own process (src/cli.ts through tsx) on a run fixture with the smoke model, and the
 * journal reads the multi-process tests make while or after it runs.
 */
import { type ChildProcess, type StdioOptions, spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { RunFixture } from "../../run/support/run-fixture.js";

const repoRoot = resolve(import.meta.dirname, "../../..");

/**
 * Starts `gritloc infer --samples … --images … --run RUN_DIR --model smoke ...flags` (stdin ignored).
 * @example
 * const child = spawnSmokeInfer(f, runDir, ["--n-segments", "4"], ["ignore", "ignore", "pipe"]);
 */
export function spawnSmokeInfer(
  f: RunFixture,
  runDir: string,
  flags: readonly string[],
  stdio: StdioOptions,
): ChildProcess {
  const cli = ["--import", "tsx", "src/cli.ts", "infer"];
  const args = [
    ...cli,
    "--samples",
    f.samplesPath,
    "--images",
    f.imagesDir,
    "--run",
    runDir,
    "--model",
    "smoke",
  ];
  return spawn(process.execPath, [...args, ...flags], { cwd: repoRoot, stdio });
}

/** How a child ended (at once when it already has). */
export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((done) => child.once("exit", (code, signal) => done({ code, signal })));
}

/** The journal file names of a run folder (none before the first worker made the folder). */
export async function journalNames(runDir: string): Promise<string[]> {
  return readdir(join(runDir, "journal")).catch(() => []);
}

/** How many result records a journal file holds so far (0 while it does not exist). */
export async function resultLines(path: string): Promise<number> {
  const text = await readFile(path, "utf8").catch(() => "");
  return text.split("\n").filter((line) => line.includes('"type":"result"')).length;
}
