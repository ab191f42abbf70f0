/**
 * SLICViT options (adapting-CLIP `models/slic_vit.py` argument names), defaults in one place (the seed
 * configuration used on GRIT, design §3), resolved and checked once into a frozen object.
 */
import { invalidOption } from "../../errors.js";
import { checkChoice, checkNumber, checkPositiveInteger, mergeOptions } from "../option-checks.js";

export interface SlicVitOptions {
  /** Box-search area penalty. @default 0.75 */
  readonly alpha?: number;
  /** Heatmap softmax temperature: exp(logit / temperature). @default 0.02 */
  readonly temperature?: number;
  /** One SLIC run per entry. @default [100, 150, ..., 600] */
  readonly nSegments?: readonly number[];
  /** SLIC compactness. @default 50 */
  readonly compactness?: number;
  /** SLIC Gaussian smoothing. @default 0 */
  readonly sigma?: number;
  /** Token-grid upsampling of the ViT stem (patch 14 → stride 7). @default 2 */
  readonly upsample?: number;
  /** The block at which region tokens start. @default 0 */
  readonly startBlock?: number;
  /** How a pixel's masks are combined; only upstream's default "mean" is implemented. @default "mean" */
  readonly aggregation?: "mean";
  /** "paper": one box per query with confidence 0.5, exactly as upstream. @default "paper" */
  readonly mode?: "paper";
}

export type ResolvedSlicVitOptions = Required<SlicVitOptions>;

/** Upstream's seed configuration (Flickr setting, used on GRIT). */
export const SLICVIT_DEFAULTS: ResolvedSlicVitOptions = Object.freeze({
  alpha: 0.75,
  temperature: 0.02,
  nSegments: Object.freeze([100, 150, 200, 250, 300, 350, 400, 450, 500, 550, 600]),
  compactness: 50,
  sigma: 0,
  upsample: 2,
  startBlock: 0,
  aggregation: "mean",
  mode: "paper",
});

/**
 * Applies defaults (undefined values count as unset) and checks every option.
 * @throws GritlocError E_INVALID_OPTION naming the option, the expected value and what was received.
 * @example resolveSlicVitOptions({ nSegments: [100, 200] }).alpha // 0.75
 */
export function resolveSlicVitOptions(options: SlicVitOptions = {}): ResolvedSlicVitOptions {
  const o = mergeOptions(options, SLICVIT_DEFAULTS);
  const nSegments: unknown = o.nSegments;
  if (
    !Array.isArray(nSegments) ||
    nSegments.length === 0 ||
    !nSegments.every((n: unknown) => Number.isInteger(n) && (n as number) >= 1)
  ) {
    throw invalidOption("nSegments", "a non-empty list of positive integers", nSegments);
  }
  return Object.freeze({
    alpha: checkNumber("alpha", o.alpha, (v) => v >= 0, "a finite number ≥ 0"),
    temperature: checkNumber("temperature", o.temperature, (v) => v > 0, "a positive number"),
    nSegments: Object.freeze([...(nSegments as number[])]),
    compactness: checkNumber("compactness", o.compactness, (v) => v > 0, "a positive number"),
    sigma: checkNumber("sigma", o.sigma, (v) => v >= 0, "a number ≥ 0"),
    upsample: checkPositiveInteger("upsample", o.upsample),
    startBlock: checkNumber(
      "startBlock",
      o.startBlock,
      (v) => Number.isInteger(v) && v >= 0,
      "an integer ≥ 0",
    ),
    aggregation: checkChoice("aggregation", o.aggregation, ["mean"] as const),
    mode: checkChoice("mode", o.mode, ["paper"] as const),
  });
}
