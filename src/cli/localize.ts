/**
 * `gritloc localize`: flags → ModelSpec + runtime → `localizeImage` → boxes (text or --json), and with
 * --heatmap the heatmap overlay PNG(s).
 */
import { writeFile } from "node:fs/promises";
import { invalidOption } from "../errors.js";
import { localizeImage } from "../models/localize-image.js";
import type { ModelSpec } from "../models/registry.js";
import type { SlicVitOptions } from "../models/slicvit/options.js";
import type { PrecisionRequest, ProviderRequest } from "../onnx/session.js";
import { heatmapOverlayPng } from "../viz/heatmap-overlay.js";
import { parseCommandArgs, parseIntegerFlag, parseNumberFlag, requireFlag } from "./args.js";
import type { CliCommand } from "./command.js";

const spec = {
  model: { type: "string" },
  weights: { type: "string" },
  config: { type: "string" },
  vocab: { type: "string" },
  seed: { type: "string" },
  image: { type: "string" },
  query: { type: "string", multiple: true, short: "q" },
  json: { type: "boolean" },
  heatmap: { type: "string" },
  provider: { type: "string" },
  precision: { type: "string" },
  threads: { type: "string" },
  "cache-dir": { type: "string" },
  alpha: { type: "string" },
  "n-segments": { type: "string" },
  "preprocessor-config": { type: "string" },
  option: { type: "string", multiple: true },
} as const;

/** `out.png` for one query; `out-q1.png`, `out-q2.png`, … for several. */
export function heatmapPath(base: string, index: number, count: number): string {
  if (count === 1) return base;
  const dot = base.toLowerCase().endsWith(".png") ? base.length - 4 : base.length;
  return `${base.slice(0, dot)}-q${index + 1}${base.slice(dot)}`;
}

type LocalizeFlags = ReturnType<typeof parseCommandArgs<typeof spec>>["flags"];

/** `--model owlvit`: its files and `--option key=value` options (values read as JSON when they parse). */
function owlVitSpec(flags: LocalizeFlags): ModelSpec {
  for (const slicVitOnly of ["alpha", "n-segments", "seed"] as const) {
    if (flags[slicVitOnly] !== undefined)
      throw invalidOption(`--${slicVitOnly}`, "no value with --model owlvit", flags[slicVitOnly]);
  }
  const options: Record<string, unknown> = {};
  for (const pair of flags.option ?? []) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw invalidOption("--option", "key=value (e.g. --option mode=hf)", pair);
    const value = pair.slice(eq + 1);
    try {
      options[pair.slice(0, eq)] = JSON.parse(value);
    } catch {
      options[pair.slice(0, eq)] = value;
    }
  }
  return {
    family: "owlvit",
    weights: requireFlag(flags.weights, "weights"),
    config: requireFlag(flags.config, "config"),
    vocab: requireFlag(flags.vocab, "vocab"),
    ...(flags["preprocessor-config"] === undefined
      ? {}
      : { preprocessorConfig: flags["preprocessor-config"] }),
    options,
  };
}

function modelSpec(flags: ReturnType<typeof parseCommandArgs<typeof spec>>["flags"]): ModelSpec {
  const options: { -readonly [K in keyof SlicVitOptions]: SlicVitOptions[K] } = {};
  if (flags.alpha !== undefined) options.alpha = parseNumberFlag(flags.alpha, "alpha");
  if (flags["n-segments"] !== undefined) {
    options.nSegments = flags["n-segments"]
      .split(",")
      .map((n) => parseIntegerFlag(n.trim(), "n-segments", { min: 1 }));
  }
  const family = flags.model ?? "slicvit";
  if (family === "smoke") {
    return {
      family: "smoke",
      ...(flags.seed === undefined ? {} : { seed: parseIntegerFlag(flags.seed, "seed", { min: 0 }) }),
      ...(flags.vocab === undefined ? {} : { vocab: flags.vocab }),
      options,
    };
  }
  if (family === "owlvit") return owlVitSpec(flags);
  if (family !== "slicvit") throw invalidOption("--model", '"slicvit", "smoke" or "owlvit"', family);
  return {
    family: "slicvit",
    weights: requireFlag(flags.weights, "weights"),
    vocab: requireFlag(flags.vocab, "vocab"),
    ...(flags.config === undefined ? {} : { config: flags.config }),
    options,
  };
}

export const localizeCommand: CliCommand = {
  summary: "Localize text queries in one image and print the boxes",
  usage: `Usage: gritloc localize --weights W.safetensors [--config C.json] --vocab V --image I --query Q... [--json]
                        [--heatmap out.png] [--model slicvit|smoke|owlvit] [--provider auto|cpu|cuda]

Runs SLICViT (adapting-CLIP) on one image; boxes are [x1, y1, x2, y2] in the image's pixels.

  --model M         slicvit (default), smoke (a tiny RANDOM model: needs no --weights; --vocab optional) or
                    owlvit (see below)
  --weights W       CLIP checkpoint (.safetensors, OpenAI or Hugging Face parameter names)
  --config C        JSON with CLIP constructor arguments (embed_dim, vision_width, transformer_heads, ...,
                    optional vision_heads) overriding what is inferred from the weights
  --vocab V         CLIP BPE vocabulary (bpe_simple_vocab_16e6.txt.gz)
  --seed N          smoke model seed (default 0)
  --image I         image file (JPEG, PNG, ...)
  --query Q, -q Q   a text query; repeat for several
  --json            print {image, width, height, model, results: [{query, bboxes, confidence}]}
  --heatmap F       write the heatmap overlay PNG (several queries: F-q1.png, F-q2.png, ...)
  --provider P      auto (default: CUDA if installed, else CPU), cpu or cuda
  --precision P     auto (default: fp16 on CUDA, fp32 on CPU), fp32 or fp16
  --threads N       ONNX Runtime threads
  --cache-dir D     where built graphs are cached (default: the gritloc cache folder)
  --alpha A         box-search area penalty (default 0.75)
  --n-segments L    comma-separated SLIC segment counts (default 100,150,...,600)

OWL-ViT (--model owlvit; files from \`gritloc models fetch owlvit-b32\`, also owlvit-b16, owlvit-l14):
  --weights W --config C --vocab V   model.safetensors (Hugging Face names), its config.json, the CLIP vocabulary
  --preprocessor-config P            its preprocessor_config.json (optional)
  --option K=V      mode=grit (default: threshold, NMS, at most maxBoxes boxes per query) or mode=hf (exactly
                    Hugging Face's post_process_object_detection); scoreThreshold=0.1, nmsIouThreshold=0.3,
                    maxBoxes=10, fallbackToBest=true, truncateQueries=true`,

  async run(argv, io) {
    const { flags, positionals } = parseCommandArgs(argv, spec);
    if (positionals.length > 0)
      throw invalidOption("arguments", "flags only (see --help)", positionals.join(" "));
    const image = requireFlag(flags.image, "image");
    const queries = flags.query ?? [];
    if (queries.length === 0) throw invalidOption("--query", "at least one query", undefined);
    const runtime = {
      ...(flags.provider === undefined ? {} : { provider: flags.provider as ProviderRequest }),
      ...(flags.precision === undefined ? {} : { precision: flags.precision as PrecisionRequest }),
      ...(flags.threads === undefined
        ? {}
        : { threads: parseIntegerFlag(flags.threads, "threads", { min: 1 }) }),
      ...(flags["cache-dir"] === undefined ? {} : { cacheDir: flags["cache-dir"] }),
    };
    const result = await localizeImage({ model: modelSpec(flags), runtime, image, queries });
    const { width, height } = result.image;
    if (flags.json === true) {
      const json = {
        image,
        width,
        height,
        model: result.info.model,
        results: result.results.map((r) => ({
          query: r.query,
          bboxes: r.boxes.map((b) => [...b]),
          confidence: r.confidence,
        })),
      };
      io.stdout(`${JSON.stringify(json)}\n`);
    } else {
      io.stdout(
        `${image} (${width}×${height}), model ${result.info.model}${result.info.isSmoke ? " (RANDOM smoke model)" : ""}\n`,
      );
      for (const r of result.results) {
        const boxes = r.boxes.map((b) => `[${b.map((v) => v.toFixed(1)).join(", ")}]`).join(" ");
        io.stdout(`  ${JSON.stringify(r.query)}: ${boxes} confidence ${r.confidence}\n`);
      }
    }
    if (flags.heatmap !== undefined) {
      for (const [i, r] of result.results.entries()) {
        if (r.heatmap === undefined) continue;
        const path = heatmapPath(flags.heatmap, i, result.results.length);
        await writeFile(path, await heatmapOverlayPng(result.image, r.heatmap));
        io.stderr(`wrote ${path}\n`);
      }
    }
    return 0;
  },
};
