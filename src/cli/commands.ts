/**
 * The subcommand table. Each entry imports its module lazily, so `gritloc score` never loads
 * onnxruntime or sharp.
 */
import type { CliCommand } from "./command.js";

export const commands: Readonly<Record<string, () => Promise<CliCommand>>> = {
  // Keep alphabetical. One line per command: name: () => import("./<name>.js").then((m) => m.<name>Command),
  demo: () => import("./demo.js").then((m) => m.demoCommand),
  doctor: () => import("./doctor.js").then((m) => m.doctorCommand),
  gt: () => import("./gt.js").then((m) => m.gtCommand),
  infer: () => import("./infer.js").then((m) => m.inferCommand),
  kernel: () => import("./kernel.js").then((m) => m.kernelCommand),
  localize: () => import("./localize.js").then((m) => m.localizeCommand),
  merge: () => import("./merge.js").then((m) => m.mergeCommand),
  models: () => import("./models.js").then((m) => m.modelsCommand),
  proxy: () => import("./proxy.js").then((m) => m.proxyCommand),
  score: () => import("./score.js").then((m) => m.scoreCommand),
  setup: () => import("./setup.js").then((m) => m.setupCommand),
  submit: () => import("./submit.js").then((m) => m.submitCommand),
  validate: () => import("./validate.js").then((m) => m.validateCommand),
  visualize: () => import("./visualize.js").then((m) => m.visualizeCommand),
};
