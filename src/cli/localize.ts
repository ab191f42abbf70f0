/**
 * `gritloc localize`: flags → ModelSpec + runtime → `localizeImage` → boxes (text or --json), and with
 * --heatmap the heatmap overlay PNG(s).
 */
import { writeFile } from "node:fs/promises";
import { invalidOption } from "../errors.js";
import { localizeImage } from "../models/localize-image.js";
import { heatmapLegendPng } from "../viz/heatmap-legend.js";
import { parseFlagsOnly, requireFlag } from "./args.js";
import type { CliCommand } from "./command.js";
import { type FlagRow, formatFlagRows } from "./flag-rows.js";
import {
  MODEL_FLAG_SPEC,
  type ModelFlagRules,
  modelSpecFromFlags,
  SLICVIT_FLAG_ROWS,
} from "./model-flags.js";
import { RUNTIME_FLAG_SPEC, runtimeFlagRows, runtimeFromFlags } from "./runtime-flags.js";

const spec = {
  ...MODEL_FLAG_SPEC,
  image: { type: "string" },
  query: { type: "string", multiple: true, short: "q" },
  json: { type: "boolean" },
  heatmap: { type: "string" },
  ...RUNTIME_FLAG_SPEC,
  threads: { type: "string" },
} as const;

/** localize defaults to slicvit; its `--option` example is the OWL-ViT output mode. */
const LOCALIZE_MODEL_RULES: ModelFlagRules = { defaultModel: "slicvit", optionExample: "mode=hf" };

/** `--option` for every family; the OWL-ViT block below lists that family's options. */
const OPTION_ROW: FlagRow = [
  "--option K=V",
  "any other model option (value read as JSON when it parses); repeatable",
];

/** `out.png` for one query; `out-q1.png`, `out-q2.png`, … for several. */
export function heatmapPath(base: string, index: number, count: number): string {
  if (count === 1) return base;
  const dot = base.toLowerCase().endsWith(".png") ? base.length - 4 : base.length;
  return `${base.slice(0, dot)}-q${index + 1}${base.slice(dot)}`;
}

export const localizeCommand: CliCommand = {
  summary: "Localize text queries in one image and print the boxes",
  usage: `Usage: gritloc localize --weights W.safetensors [--config C.json] --vocab V --image I --query Q... [--json]
                        [--heatmap out.png] [--model slicvit|smoke|owlvit|regionclip] [--provider auto|cpu|cuda]

Runs SLICViT (adapting-CLIP) on one image; boxes are [x1, y1, x2, y2] in the image's pixels.

  --model M         slicvit (default), smoke (a tiny RANDOM model: needs no --weights; --vocab optional) or
                    owlvit or regionclip (see below)
  --weights W       CLIP checkpoint (.safetensors, OpenAI or Hugging Face parameter names)
  --config C        JSON with CLIP constructor arguments (embed_dim, vision_width, transformer_heads, ...,
                    optional vision_heads) overriding what is inferred from the weights
  --vocab V         CLIP BPE vocabulary (bpe_simple_vocab_16e6.txt.gz)
  --seed N          smoke model seed (default 0)
  --image I         image file (JPEG, PNG, ...)
  --query Q, -q Q   a text query; repeat for several
  --json            print {image, width, height, model, results: [{query, bboxes, confidence}]}
  --heatmap F       write the heatmap overlay PNG with the boxes and a colour-bar legend (several
                    queries: F-q1.png, F-q2.png, ...)
${formatFlagRows([...runtimeFlagRows("threads"), ...SLICVIT_FLAG_ROWS, OPTION_ROW], 18)}

OWL-ViT (--model owlvit; files from \`gritloc models fetch owlvit-b32\`, also owlvit-b16, owlvit-l14):
  --weights W --config C --vocab V   model.safetensors (Hugging Face names), its config.json, the CLIP vocabulary
  --preprocessor-config P            its preprocessor_config.json (optional)
  --option K=V      mode=grit (default: threshold, NMS, at most maxBoxes boxes per query) or mode=hf (Hugging
                    Face's post_process_object_detection run for each query alone: every box above the
                    threshold, no NMS); scoreThreshold=0.1, nmsIouThreshold=0.3,
                    maxBoxes=10, fallbackToBest=true, truncateQueries=true

RegionCLIP zero-shot (--model regionclip; files from \`gritloc models fetch regionclip-rn50\`, also regionclip-rn50x4):
  --weights W.pth --vocab V          regionclip_pretrained-cc_rn50.pth, the CLIP vocabulary
  --rpn-weights R.pth                rpn_lvis_866.pth (default: the RPN stored in W)
  --class-embeddings E.pth           lvis_1203_cls_emb.pth (default: computed from the class names, then cached)
  --class-names N.txt                the vocabulary, one name per line (default: the 1203 LVIS names)
  --option K=V      mode=grit (default: boxes with fused score >= minScore, at most maxBoxes) or mode=reference
                    (every detection of the query's class); minScore=0.5, maxBoxes=10, fallbackToBest=true,
                    proposals=1000, roiChunkSize=100`,

  async run(argv, io) {
    const flags = parseFlagsOnly(argv, spec);
    const image = requireFlag(flags.image, "image");
    const queries = flags.query ?? [];
    if (queries.length === 0) requireFlag(undefined, "query", "(-q TEXT, one or more)");
    // As in a samples file, where task_query must be a non-empty string.
    for (const query of queries)
      if (query.trim() === "") throw invalidOption("--query", "a non-empty text", query);
    const runtime = runtimeFromFlags(flags, "threads");
    const model = modelSpecFromFlags(flags, LOCALIZE_MODEL_RULES);
    const result = await localizeImage({ model, runtime, image, queries });
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
        await writeFile(
          path,
          await heatmapLegendPng(result.image, r.heatmap, { query: r.query, boxes: r.boxes }),
        );
        io.stderr(`wrote ${path}\n`);
      }
    }
    return 0;
  },
};
