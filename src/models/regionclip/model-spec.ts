/**
 * The `regionclip` member of the registry's ModelSpec (plain JSON, recorded in run.json) and its checked file
 * set and factory: RegionClipModelSpec → RegionClipSpecFiles (every path checked before any file is opened) →
 * RegionClipLocalizer.
 */
import { invalidOption } from "../../errors.js";
import type { RuntimeOptions } from "../../onnx/session.js";
import { requireFilePath } from "../require-file-path.js";
import { createRegionClipLocalizer, type RegionClipLocalizer } from "./localizer.js";
import type { RegionClipOptions } from "./options.js";

/**
 * RegionCLIP zero-shot (`CLIP_fast_rcnn_R_50_C4_zsinf`) from the released PyTorch files
 * (`gritloc models fetch regionclip-rn50` or `regionclip-rn50x4`).
 */
export interface RegionClipModelSpec {
  readonly family: "regionclip";
  /**
   * `regionclip_pretrained-cc_rn50.pth` / `..._rn50x4.pth` (CLIP visual + text towers), or a `.safetensors` file
   * under the loaded state-dict names (docs/regionclip-weights.md).
   */
  readonly weights: string;
  /**
   * `rpn_lvis_866.pth` (the offline R50-FPN + RPN, as the zero-shot benchmark uses). Without it the RegionCLIP
   * file's own `offline_*` tensors are used, as RegionCLIP's custom-image demo does.
   */
  readonly rpnWeights?: string;
  /**
   * `lvis_1203_cls_emb.pth` / `..._rn50x4.pth`: the vocabulary's embeddings [K, D], rows in `classNames`'
   * order. Without it they are computed from the names with the checkpoint's text encoder (81 prompts each).
   */
  readonly classEmbeddings?: string;
  /**
   * The vocabulary: one raw LVIS-style name per line (`_` → space, parentheses dropped, as RegionCLIP
   * prepares LVIS names). @default the 1203 LVIS v1 category names (the released embeddings' rows)
   */
  readonly classNames?: string;
  /** CLIP's `bpe_simple_vocab_16e6.txt.gz` (queries and computed class embeddings). */
  readonly vocab: string;
  /** Display name. @default the weights file's folder name, e.g. "regionclip-rn50" */
  readonly name?: string;
  readonly options?: RegionClipOptions;
}

/** A spec's files, each checked to be a path. */
export interface RegionClipSpecFiles {
  readonly weights: string;
  readonly rpnWeights?: string;
  readonly classEmbeddings?: string;
  readonly classNames?: string;
  readonly vocab: string;
  /** The display name (the spec's, else the weights file's folder, else "regionclip"). */
  readonly name: string;
}

/**
 * Checks a spec's file fields and resolves its display name; the localizer factory starts from this.
 * @throws GritlocError E_INVALID_OPTION naming the field (e.g. "spec.rpnWeights") that is not a file path.
 * @example regionClipSpecFiles({ family: "regionclip", weights: "m/regionclip-rn50/w.pth", vocab: "v.gz" }).name // "regionclip-rn50"
 */
export function regionClipSpecFiles(spec: RegionClipModelSpec): RegionClipSpecFiles {
  if (typeof spec !== "object" || spec === null) throw invalidOption("spec", "a ModelSpec object", spec);
  const optional = (field: "rpnWeights" | "classEmbeddings" | "classNames") =>
    spec[field] === undefined ? {} : { [field]: requireFilePath(spec[field], `spec.${field}`) };
  const weights = requireFilePath(spec.weights, "spec.weights");
  // `models fetch` puts each model's files in a folder named after it (…/models/regionclip-rn50/).
  const folder = weights.split(/[\\/]/).slice(-2, -1)[0];
  return {
    weights,
    ...optional("rpnWeights"),
    ...optional("classEmbeddings"),
    ...optional("classNames"),
    vocab: requireFilePath(spec.vocab, "spec.vocab"),
    name: spec.name ?? (folder === undefined || folder === "" ? "regionclip" : folder),
  };
}

/** The registry's factory for `family: "regionclip"`. @throws GritlocError as {@link createRegionClipLocalizer}. */
export function createRegionClipFromSpec(
  spec: RegionClipModelSpec,
  runtime: RuntimeOptions = {},
): Promise<RegionClipLocalizer> {
  const { name, ...files } = regionClipSpecFiles(spec);
  return createRegionClipLocalizer(files, spec.options, runtime, { model: name });
}
