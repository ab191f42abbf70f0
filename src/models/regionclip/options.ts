/**
 * RegionCLIP localizer options: the output mode and the detector's thresholds, defaults in one place (the
 * zero-shot LVIS config `CLIP_fast_rcnn_R_50_C4_zsinf.yaml`), resolved and checked once into a frozen object
 * (options → ResolvedRegionClipOptions).
 */
import {
  checkBoolean,
  checkChoice,
  checkFraction,
  checkNumber,
  checkPositiveInteger,
  mergeOptions,
} from "../option-checks.js";

/**
 * Both modes run the GRIT single-query rule (vocabulary contrast; fixture README "GRIT single-query mode"):
 * the query is matched to a vocabulary name or added as class K, the detector runs unchanged over those
 * classes, and the query's detections, fused score descending, are the candidate boxes.
 * `reference`: exactly the README's rule: every detection of the query's class (often dozens to hundreds of
 * boxes), confidence = the first box's fused score clamped to [0, 1] (0 and no boxes without a detection).
 * `grit` (default): what GRIT's metric rewards, which charges every extra box as much as a missed one: the
 * boxes with fused score ≥ `minScore`, at most `maxBoxes`, the best box alone when none passes
 * (`fallbackToBest`); the same confidence (see docs/regionclip.md for the reasoning behind the defaults).
 */
export type RegionClipMode = "grit" | "reference";

export interface RegionClipOptions {
  /** Output mode. @default "grit" */
  readonly mode?: RegionClipMode;
  /** Keep (box, class) pairs whose fused score is strictly above this (`SCORE_THRESH_TEST`). @default 0.02 */
  readonly scoreThreshold?: number;
  /** Per-class NMS: suppress a box whose IoU with a better one exceeds this (`NMS_THRESH_TEST`). @default 0.5 */
  readonly nmsIouThreshold?: number;
  /** Detections kept per image over all classes, best first (`DETECTIONS_PER_IMAGE`). @default 300 */
  readonly detectionsPerImage?: number;
  /** RPN: level-wise NMS IoU (`OFFLINE_RPN_NMS_THRESH`). @default 0.9 */
  readonly rpnNmsIouThreshold?: number;
  /** RPN: proposals kept per FPN level before NMS (`PRE_NMS_TOPK_TEST`). @default 1000 */
  readonly rpnPreNmsTopK?: number;
  /**
   * RPN: proposals scored by the CLIP head (`POST_NMS_TOPK_TEST`); fewer is faster, parity needs 1000.
   * @default 1000
   */
  readonly proposals?: number;
  /** RoIs per res5 + attnpool batch (memory vs. speed only; results do not depend on it). @default 100 */
  readonly roiChunkSize?: number;
  /**
   * `grit`: keep boxes whose fused score sqrt(p · objectness logit) is at least this. Read clamped to [0, 1]
   * as the chance that the box is a correct match (the reading that makes the first box's score the
   * confidence), 0.5 keeps a box when it is more likely right than wrong. @default 0.5
   */
  readonly minScore?: number;
  /** `grit`: at most this many boxes per query, best first. @default 10 */
  readonly maxBoxes?: number;
  /**
   * `grit`: when no detection reaches `minScore`, keep the best one alone (an empty prediction scores 0 on
   * every GRIT sample with an object to find). @default true
   */
  readonly fallbackToBest?: boolean;
  /**
   * Attention heads of the text tower; null: width / 64, as every CLIP text tower has. The weights cannot tell
   * (the fixtures' tiny tower has 2 heads of width 4). @default null
   */
  readonly textHeads?: number | null;
}

export type ResolvedRegionClipOptions = Required<RegionClipOptions>;

export const REGIONCLIP_DEFAULTS: ResolvedRegionClipOptions = Object.freeze({
  mode: "grit",
  scoreThreshold: 0.02,
  nmsIouThreshold: 0.5,
  detectionsPerImage: 300,
  rpnNmsIouThreshold: 0.9,
  rpnPreNmsTopK: 1000,
  proposals: 1000,
  roiChunkSize: 100,
  minScore: 0.5,
  maxBoxes: 10,
  fallbackToBest: true,
  textHeads: null,
});

/**
 * Applies the defaults (undefined values count as unset) and checks every option.
 * @throws GritlocError E_INVALID_OPTION naming the option, the expected value and what was received.
 * @example resolveRegionClipOptions({ proposals: 300 }).scoreThreshold // 0.02
 */
export function resolveRegionClipOptions(options: RegionClipOptions = {}): ResolvedRegionClipOptions {
  const o = mergeOptions(options, REGIONCLIP_DEFAULTS);
  return Object.freeze({
    mode: checkChoice("mode", o.mode, ["grit", "reference"] as const),
    scoreThreshold: checkFraction("scoreThreshold", o.scoreThreshold),
    nmsIouThreshold: checkFraction("nmsIouThreshold", o.nmsIouThreshold, false),
    detectionsPerImage: checkPositiveInteger("detectionsPerImage", o.detectionsPerImage),
    rpnNmsIouThreshold: checkFraction("rpnNmsIouThreshold", o.rpnNmsIouThreshold, false),
    rpnPreNmsTopK: checkPositiveInteger("rpnPreNmsTopK", o.rpnPreNmsTopK),
    proposals: checkPositiveInteger("proposals", o.proposals),
    roiChunkSize: checkPositiveInteger("roiChunkSize", o.roiChunkSize),
    minScore: checkNumber("minScore", o.minScore, (v) => v >= 0, "a number ≥ 0"),
    maxBoxes: checkPositiveInteger("maxBoxes", o.maxBoxes),
    fallbackToBest: checkBoolean("fallbackToBest", o.fallbackToBest),
    textHeads: o.textHeads === null ? null : checkPositiveInteger("textHeads", o.textHeads),
  });
}
