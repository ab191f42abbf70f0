/**
 * OWL-ViT localizer options: the output mode and its parameters, defaults in one place, resolved and checked
 * once into a frozen object (options → ResolvedOwlVitOptions).
 */
import {
  checkBoolean,
  checkChoice,
  checkNumber,
  checkPositiveInteger,
  mergeOptions,
} from "../option-checks.js";

/**
 * `grit`: per query, score threshold → non-maximum suppression → at most `maxBoxes` boxes, best first, clipped
 * to the image, confidence = mean kept score (see `grit-post-process.ts`). GRIT's metric charges every extra
 * box, so HF's raw output (every patch above the threshold) would score poorly.
 * `hf`: Hugging Face's `post_process_object_detection` applied to each query on its own (as if it were the only
 * query: every patch whose sigmoid score passes the threshold), boxes in ascending patch order, unclipped, no NMS.
 * HF's joint multi-query form (each patch goes to its best query) is not used here, so a GRIT sample's boxes never
 * depend on which other samples share its image; it remains available as `detect()` + `postProcessObjectDetection()`.
 */
export type OwlVitMode = "grit" | "hf";

export interface OwlVitOptions {
  /** Output mode. @default "grit" */
  readonly mode?: OwlVitMode;
  /** Keep patches whose sigmoid score is strictly above this (HF's default threshold). @default 0.1 */
  readonly scoreThreshold?: number;
  /** `grit`: a box is suppressed when its IoU with a better kept box exceeds this. @default 0.3 */
  readonly nmsIouThreshold?: number;
  /** `grit`: at most this many boxes per query. @default 10 */
  readonly maxBoxes?: number;
  /**
   * `grit`: when no patch passes the threshold, return the single best box instead of none (an empty
   * prediction scores 0 on every GRIT sample that has a ground-truth box). @default true
   */
  readonly fallbackToBest?: boolean;
  /**
   * Queries longer than the model's 16 tokens keep their first tokens and end with EOT. HF's processor does not
   * truncate (the model then fails); false makes such a query an E_INVALID_OPTION error. @default true
   */
  readonly truncateQueries?: boolean;
}

export type ResolvedOwlVitOptions = Required<OwlVitOptions>;

export const OWLVIT_DEFAULTS: ResolvedOwlVitOptions = Object.freeze({
  mode: "grit",
  scoreThreshold: 0.1,
  nmsIouThreshold: 0.3,
  maxBoxes: 10,
  fallbackToBest: true,
  truncateQueries: true,
});

/**
 * Applies the defaults (undefined values count as unset) and checks every option.
 * @throws GritlocError E_INVALID_OPTION naming the option, the expected value and what was received.
 * @example resolveOwlVitOptions({ mode: "hf" }).scoreThreshold // 0.1
 */
export function resolveOwlVitOptions(options: OwlVitOptions = {}): ResolvedOwlVitOptions {
  const o = mergeOptions(options, OWLVIT_DEFAULTS);
  return Object.freeze({
    mode: checkChoice("mode", o.mode, ["grit", "hf"] as const),
    scoreThreshold: checkNumber(
      "scoreThreshold",
      o.scoreThreshold,
      (v) => v >= 0 && v < 1,
      "a number in [0, 1)",
    ),
    nmsIouThreshold: checkNumber(
      "nmsIouThreshold",
      o.nmsIouThreshold,
      (v) => v > 0 && v <= 1,
      "a number in (0, 1]",
    ),
    maxBoxes: checkPositiveInteger("maxBoxes", o.maxBoxes),
    fallbackToBest: checkBoolean("fallbackToBest", o.fallbackToBest),
    truncateQueries: checkBoolean("truncateQueries", o.truncateQueries),
  });
}
