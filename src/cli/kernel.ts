/**
 * `gritloc kernel install`: flags → `installKernel` → the registered tslab kernelspec, and the JUPYTER_PATH to
 * export so Jupyter (or the Colab bridge) finds it.
 */
import { type InstalledKernel, installKernel } from "../kernel/install-kernel.js";
import { parseAction, parseCommandArgs } from "./args.js";
import type { CliCommand } from "./command.js";

const spec = {
  prefix: { type: "string" },
  python: { type: "string" },
} as const;

function report(kernel: InstalledKernel): string {
  const lines = [
    `registered Jupyter kernel "tslab" in ${kernel.kernelDir}`,
    `  runs: ${kernel.argv.join(" ")}`,
  ];
  if (kernel.resolvedDir !== kernel.kernelDir) {
    lines.push(
      `warning: Jupyter picks another "tslab" kernelspec first: ${kernel.resolvedDir}; remove it ` +
        "(jupyter kernelspec remove tslab) or put this one first on JUPYTER_PATH",
    );
  }
  if (kernel.packageLink.state === "created") {
    lines.push(`linked ${kernel.packageLink.path} -> .. so notebooks/ can import "gritloc"`);
  }
  if (kernel.jupyterPath !== undefined) {
    lines.push(
      "Before starting Jupyter (or nbconvert) run:",
      `  export JUPYTER_PATH=${kernel.jupyterPath}\${JUPYTER_PATH:+:$JUPYTER_PATH}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

export const kernelCommand: CliCommand = {
  summary: "Register the tslab kernel that runs the notebooks (kernel install)",
  usage: `Usage: gritloc kernel install [--prefix DIR] [--python PATH]

Registers Jupyter kernel "tslab" (kernels/tslab/kernel.json) for notebooks/*.ipynb, pinned to this Node and
the tslab installed with gritloc. In a source checkout it also links node_modules/gritloc to the checkout, so
notebooks resolve \`import … from "gritloc"\` to its dist/ (run \`npm run build\` first).

  --prefix DIR     install into DIR/share/jupyter/kernels/tslab and print the JUPYTER_PATH to export
                   (default: the user's Jupyter folder, ~/.local/share/jupyter, found without JUPYTER_PATH)
  --python PATH    the Python that runs Jupyter; it needs jupyter_client (default: /usr/bin/python3)`,

  async run(argv, io) {
    const { flags, positionals } = parseCommandArgs(argv, spec);
    parseAction(positionals, "kernel", ["install"]);
    const kernel = await installKernel({
      ...(flags.prefix === undefined ? {} : { prefix: flags.prefix }),
      ...(flags.python === undefined ? {} : { python: flags.python }),
    });
    io.stdout(report(kernel));
    return 0;
  },
};
