/**
 * `gritloc models smoke|fetch`: write the random smoke CLIP, or download a model (`installModel`) and build
 * its cached graphs.
 */
import { invalidOption } from "../errors.js";
import { installModel } from "../models/install-model.js";
import { writeSmokeModel } from "../models/smoke/write-smoke-model.js";
import { PROVIDER_REQUESTS } from "../onnx/session.js";
import { parseAction, parseChoiceFlag, parseCommandArgs, parseIntegerFlag } from "./args.js";
import type { CliCommand } from "./command.js";

const spec = {
  dir: { type: "string" },
  seed: { type: "string" },
  manifest: { type: "string" },
  provider: { type: "string" },
  "cache-dir": { type: "string" },
} as const;

/** Short names accepted by `models fetch`, mapped to the models manifest's names. */
const ALIASES: Readonly<Record<string, string>> = {
  "clip-vit-l14": "clip-vit-large-patch14",
  "owlvit-b32": "owlvit-base-patch32",
  "owlvit-b16": "owlvit-base-patch16",
  "owlvit-l14": "owlvit-large-patch14",
};

export const modelsCommand: CliCommand = {
  summary: "Fetch model weights (and build their graphs), or write the random smoke model",
  usage: `Usage: gritloc models smoke [--dir D] [--seed N]
       gritloc models fetch <name> [--dir D] [--manifest F] [--provider auto|cpu|cuda] [--cache-dir C]

  smoke   writes smoke-clip-seed<N>.safetensors + .json (a tiny RANDOM CLIP, for testing the pipeline only:
          its boxes mean nothing) into D (default: the current folder)
  fetch   downloads the files of <name> (e.g. clip-vit-large-patch14, alias clip-vit-l14; owlvit-b32, owlvit-b16,
          owlvit-l14 for OWL-ViT; regionclip-rn50, regionclip-rn50x4 for RegionCLIP) listed in the models
          manifest (default: the bundled data-manifests/models.json) into D (default: the gritloc cache), then
          builds and caches the ONNX graphs (for CLIP checkpoints) in C`,

  async run(argv, io) {
    const { flags, positionals } = parseCommandArgs(argv, spec);
    const action = parseAction(positionals.slice(0, 1), "models", ["smoke", "fetch"]);
    const [, name, ...extra] = positionals;
    if (action === "smoke") {
      if (name !== undefined) throw invalidOption("arguments", "no positional arguments after 'smoke'", name);
      const seed = flags.seed === undefined ? 0 : parseIntegerFlag(flags.seed, "seed", { min: 0 });
      const written = writeSmokeModel(flags.dir ?? ".", seed);
      io.stderr(
        `WARNING: this is a RANDOM CLIP (seed ${seed}, ${written.parameterCount} parameters), not a trained model: ` +
          "use it to test the pipeline only; its boxes mean nothing.\n",
      );
      io.stdout(`${written.weights}\n${written.config}\n`);
      return 0;
    }
    if (name === undefined || extra.length > 0)
      throw invalidOption("arguments", "one model name after 'fetch'", positionals.join(" "));
    const provider =
      flags.provider === undefined
        ? undefined
        : parseChoiceFlag(flags.provider, "provider", PROVIDER_REQUESTS);
    const installed = await installModel(ALIASES[name] ?? name, {
      ...(flags.dir === undefined ? {} : { dir: flags.dir }),
      ...(flags.manifest === undefined ? {} : { manifest: flags.manifest }),
      runtime: {
        ...(provider === undefined ? {} : { provider }),
        ...(flags["cache-dir"] === undefined ? {} : { cacheDir: flags["cache-dir"] }),
      },
      onProgress: (e) => {
        if (e.type === "download-start")
          io.stderr(`${e.role}: ${e.url}${e.resumeFrom > 0 ? ` (resuming at byte ${e.resumeFrom})` : ""}\n`);
        else if (e.type === "download-progress" && io.isTty && e.total !== null)
          io.stderr(`\r${e.role}: ${((100 * e.bytes) / e.total).toFixed(1)}%`);
        else if (e.type === "download-retry")
          io.stderr(`${e.role}: attempt ${e.attempt} failed (${e.reason}); retrying\n`);
        else if (e.type === "download-done")
          io.stderr(
            `${io.isTty ? "\r" : ""}${e.role}: ${e.reused ? "already present" : "downloaded"} (${e.size} bytes)\n`,
          );
      },
    });
    for (const [role, path] of Object.entries(installed.files)) io.stdout(`${role}: ${path}\n`);
    if (installed.info !== undefined)
      io.stdout(
        `graphs ready (${installed.info.provider}), ${installed.info.paramsInMillions}M parameters\n`,
      );
    return 0;
  },
};
