/**
 * Kernel registration for the notebooks: options (prefix, python) → `kernels/tslab/kernel.json` with the
 * absolute Node and tslab paths filled in, installed through that Python's jupyter_client → where it landed.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { GritlocError, invalidOption } from "../errors.js";
import { linkPackage, type PackageLink } from "./link-package.js";
import { packageRoot } from "./package-root.js";

export interface InstallKernelOptions {
  /**
   * Install into `<prefix>/share/jupyter/kernels/tslab`; Jupyter then needs `JUPYTER_PATH=<prefix>/share/jupyter`.
   * @default the user's Jupyter data folder (`~/.local/share/jupyter`), which Jupyter searches by itself
   */
  readonly prefix?: string;
  /** A Python that has jupyter_client (the one that runs Jupyter). @default "/usr/bin/python3" */
  readonly python?: string;
  /** The Node that runs the kernel (≥ 20.19, for require(esm) of the library). @default process.execPath */
  readonly node?: string;
}

export interface InstalledKernel {
  /** The folder holding the installed kernel.json. */
  readonly kernelDir: string;
  /** The JUPYTER_PATH entry to export (prefix installs), else undefined. */
  readonly jupyterPath: string | undefined;
  /** The kernel command line as registered. */
  readonly argv: readonly string[];
  /** The kernelspec Jupyter actually picks for "tslab" (differs from kernelDir when another one shadows it). */
  readonly resolvedDir: string;
  /** The `node_modules/gritloc` self-link that lets notebooks import "gritloc" from a source checkout. */
  readonly packageLink: PackageLink;
}

// Runs in the user's Python: install the spec, then ask a fresh KernelSpecManager (with JUPYTER_PATH as the
// notebooks will have it) which "tslab" it finds, so a shadowing spec is reported instead of silently used.
const INSTALL_PY = `
import json, os, sys
try:
    from jupyter_client.kernelspec import KernelSpecManager
except ImportError as error:
    print(json.dumps({"missing": str(error)}))
    sys.exit(3)
source, prefix = sys.argv[1], sys.argv[2]
options = {"prefix": prefix} if prefix else {"user": True}
dest = KernelSpecManager().install_kernel_spec(source, "tslab", **options)
if prefix:
    extra = os.environ.get("JUPYTER_PATH", "")
    os.environ["JUPYTER_PATH"] = os.path.join(prefix, "share", "jupyter") + (os.pathsep + extra if extra else "")
spec = KernelSpecManager().get_kernel_spec("tslab")
print(json.dumps({"dest": dest, "found": spec.resource_dir, "argv": spec.argv}))
`;

interface PythonResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | string | null;
}

function runPython(python: string, args: readonly string[]): Promise<PythonResult> {
  return new Promise((done) => {
    execFile(python, args, { timeout: 120_000, encoding: "utf8" }, (error, stdout, stderr) => {
      const code = error === null ? 0 : ((error as NodeJS.ErrnoException).code ?? null);
      done({ stdout, stderr, code });
    });
  });
}

/** The installed tslab's `bin/tslab` script (run with an explicit Node, so its `env node` shebang is unused). */
function tslabScript(): string {
  try {
    return join(dirname(createRequire(import.meta.url).resolve("tslab/package.json")), "bin", "tslab");
  } catch (error) {
    throw new GritlocError(
      "E_NOT_FOUND",
      "tslab is not installed; run `npm install` in the gritloc package.",
      {
        cause: error,
      },
    );
  }
}

function checkPath(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "") throw invalidOption(name, "a non-empty path", value);
  return value;
}

/**
 * Registers the tslab kernel for gritloc's notebooks (kernelspec `tslab`, from `kernels/tslab/kernel.json`),
 * pinned to this Node and this package's tslab. In a source checkout it also links `node_modules/gritloc`
 * to the checkout so `import … from "gritloc"` resolves in notebooks/ (see `linkPackage`).
 * @throws GritlocError E_TOOL_MISSING (no such Python, or no jupyter_client in it), E_NOT_FOUND (no tslab).
 * @example
 * const kernel = await installKernel({ prefix: "/tmp/jupyter" });
 * // kernel.jupyterPath === "/tmp/jupyter/share/jupyter": export JUPYTER_PATH=… before starting Jupyter
 */
export async function installKernel(options: InstallKernelOptions = {}): Promise<InstalledKernel> {
  if (typeof options !== "object" || options === null) throw invalidOption("options", "an object", options);
  const prefixOption = checkPath("prefix", options.prefix);
  const python = checkPath("python", options.python) ?? "/usr/bin/python3";
  const node = checkPath("node", options.node) ?? process.execPath;
  if (!isAbsolute(node)) throw invalidOption("node", "an absolute path", node);
  const prefix = prefixOption === undefined ? undefined : resolve(prefixOption);
  const root = packageRoot();
  const tslab = tslabScript();

  const template = JSON.parse(await readFile(join(root, "kernels", "tslab", "kernel.json"), "utf8")) as {
    argv: string[];
  };
  const argv = template.argv.map((arg) => (arg === "{node}" ? node : arg === "{tslab}" ? tslab : arg));
  const staging = await mkdtemp(join(tmpdir(), "gritloc-kernelspec-"));
  let result: PythonResult;
  try {
    await writeFile(join(staging, "kernel.json"), `${JSON.stringify({ ...template, argv }, null, 2)}\n`);
    result = await runPython(python, ["-c", INSTALL_PY, staging, prefix ?? ""]);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  if (result.code === "ENOENT" || result.code === "EACCES") {
    throw new GritlocError(
      "E_TOOL_MISSING",
      `cannot run Python at ${python} (${result.code}); pass --python PATH (the Python that runs Jupyter), ` +
        "or install one: apt-get install python3-jupyter-client",
    );
  }
  if (result.code === 3) {
    throw new GritlocError(
      "E_TOOL_MISSING",
      `${python} has no jupyter_client; install it (apt-get install python3-jupyter-client, or ` +
        `${python} -m pip install jupyter_client) or pass --python PATH of the Python that runs Jupyter`,
    );
  }
  if (result.code !== 0) {
    throw new GritlocError(
      "E_TOOL_MISSING",
      `registering the kernel with ${python} failed (exit ${String(result.code)}): ${result.stderr.trim()}`,
    );
  }
  const report = JSON.parse(result.stdout.trim().split("\n").pop() ?? "{}") as {
    dest: string;
    found: string;
  };
  return {
    kernelDir: report.dest,
    jupyterPath: prefix === undefined ? undefined : join(prefix, "share", "jupyter"),
    argv,
    resolvedDir: report.found,
    packageLink: await linkPackage(root),
  };
}
