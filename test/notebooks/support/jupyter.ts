/**
 * What the notebook and bridge tests need from the machine: Debian's Jupyter (nbconvert, nbclient, ipykernel,
 * jupyter_client) for /usr/bin/python3, a fresh `dist/`, and a tslab kernelspec registered in a temp prefix.
 * Missing pieces fail the test with the command that installs them; nothing is skipped.
 */
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { installKernel } from "../../../src/kernel/install-kernel.js";

export const REPO = new URL("../../..", import.meta.url).pathname.replace(/\/$/, "");
/** The Python that runs Jupyter in CI (Debian's). */
export const PYTHON = process.env.GRITLOC_TEST_PYTHON ?? "/usr/bin/python3";
const JUPYTER_MODULES = ["nbconvert", "nbclient", "nbformat", "ipykernel", "jupyter_client", "IPython"];

/** Throws, with the install command, unless PYTHON can import every Jupyter module the tests use. */
export function requireJupyter(): void {
  const probe = spawnSync(PYTHON, ["-c", `import ${JUPYTER_MODULES.join(", ")}`], { encoding: "utf8" });
  if (probe.status !== 0) {
    throw new Error(
      `Jupyter is missing for ${PYTHON} (${(probe.stderr || String(probe.error)).trim().split("\n").pop()}). ` +
        "Install Debian's packages: apt-get install -y jupyter-nbconvert python3-nbclient python3-ipykernel " +
        "python3-jupyter-client (.ci/run does), or set GRITLOC_TEST_PYTHON to a Python that has them.",
    );
  }
}

function newestSource(dir: string): { path: string; mtimeMs: number } {
  let newest = { path: "", mtimeMs: 0 };
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    const candidate = stat.isDirectory()
      ? newestSource(path)
      : name.endsWith(".ts") && !name.endsWith(".test.ts")
        ? { path, mtimeMs: stat.mtimeMs }
        : newest;
    if (candidate.mtimeMs > newest.mtimeMs) newest = candidate;
  }
  return newest;
}

/** Throws unless dist/ was built after the last change under src/ (notebooks import the built library). */
export function requireFreshDist(): void {
  let built: number;
  try {
    built = statSync(join(REPO, "dist", "index.js")).mtimeMs;
  } catch {
    throw new Error("dist/ is missing: the notebooks import the built library; run `npm run build` first.");
  }
  const newest = newestSource(join(REPO, "src"));
  if (newest.mtimeMs > built) {
    throw new Error(
      `dist/ is older than ${relative(REPO, newest.path)}: the notebooks would run stale code; ` +
        "run `npm run build` first (.ci/run builds before `npm test`).",
    );
  }
}

/** Registers the tslab kernel under `prefix`; returns the JUPYTER_PATH entry that finds it. */
export async function registerKernel(prefix: string): Promise<string> {
  const kernel = await installKernel({ prefix, python: PYTHON });
  return kernel.jupyterPath!;
}

export interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion (asynchronously, so the test runner stays responsive). */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv; readonly timeoutMs: number },
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
