/**
 * The proxy set's sizes and sampling settings: `--size small|full` + overrides → one resolved plan per source
 * (samples wanted, per-category caps), the negative share and the distorted share. "full" mirrors GRIT's
 * ablation localization counts (Open Images 14,422, NYUv2 2,771, COCO 3,500 + 385 distorted); "small" is about
 * 1,000 samples in the same proportions, a quick check on a laptop CPU.
 */
import { invalidOption } from "../errors.js";
import type { ProxySourceName } from "./proxy-source.js";

export type ProxySize = "small" | "full";

export interface SourcePlan {
  /** Undistorted samples wanted (positives + negatives). */
  readonly target: number;
  /** Positives per category at most (GRIT: ~30 Open Images / NYUv2, ~45 COCO). */
  readonly cap: number;
  /** Negatives per category at most. */
  readonly negativeCap: number;
}

export const PROXY_SIZES: Readonly<Record<ProxySize, Readonly<Record<ProxySourceName, SourcePlan>>>> = {
  small: {
    coco: { target: 175, cap: 3, negativeCap: 3 },
    open_images: { target: 690, cap: 2, negativeCap: 2 },
    nyuv2: { target: 135, cap: 3, negativeCap: 2 },
  },
  full: {
    coco: { target: 3500, cap: 45, negativeCap: 45 },
    open_images: { target: 14400, cap: 30, negativeCap: 30 },
    nyuv2: { target: 2770, cap: 31, negativeCap: 5 },
  },
};

/** @default share of negatives among each source's undistorted samples */
export const DEFAULT_NEGATIVE_FRACTION = 0.25;
/** @default share of COCO samples that get a distorted twin (GRIT ablation: 385 / 3,500) */
export const DEFAULT_DISTORTED_FRACTION = 0.1;

export interface ProxySampling {
  readonly size: ProxySize;
  readonly seed: number;
  readonly negativeFraction: number;
  readonly distortedFraction: number;
  readonly sources: Readonly<Record<ProxySourceName, SourcePlan>>;
}

/**
 * Checks and resolves the sampling settings.
 * @throws GritlocError E_INVALID_OPTION for an unknown size, a seed outside 0–2^32−1, a negative share outside
 *   0.15–0.45, a distorted share outside 0–0.5 or a bad per-source override.
 */
export function resolveProxySampling(options: {
  readonly size?: ProxySize;
  readonly seed?: number;
  readonly negativeFraction?: number;
  readonly distortedFraction?: number;
  /** Per-source overrides of the size's plan (library only; e.g. small synthetic inputs). */
  readonly sources?: Partial<Record<ProxySourceName, Partial<SourcePlan>>>;
}): ProxySampling {
  const size = options.size ?? "small";
  if (size !== "small" && size !== "full") throw invalidOption("size", '"small" or "full"', size);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw invalidOption("seed", "an integer from 0 to 4294967295", seed);
  const negativeFraction = options.negativeFraction ?? DEFAULT_NEGATIVE_FRACTION;
  if (typeof negativeFraction !== "number" || !(negativeFraction >= 0.15 && negativeFraction <= 0.45))
    throw invalidOption("negativeFraction", "a share from 0.15 to 0.45", negativeFraction);
  const distortedFraction = options.distortedFraction ?? DEFAULT_DISTORTED_FRACTION;
  if (typeof distortedFraction !== "number" || !(distortedFraction >= 0 && distortedFraction <= 0.5))
    throw invalidOption("distortedFraction", "a share from 0 to 0.5", distortedFraction);
  const sources = { ...PROXY_SIZES[size] };
  for (const [name, override] of Object.entries(options.sources ?? {}) as [
    ProxySourceName,
    Partial<SourcePlan>,
  ][]) {
    if (!(name in sources)) throw invalidOption("sources", "keys coco, open_images, nyuv2", name);
    const plan = { ...sources[name], ...override };
    for (const [key, value] of Object.entries(plan))
      if (!Number.isSafeInteger(value) || value < 0)
        throw invalidOption(`sources.${name}.${key}`, "an integer ≥ 0", value);
    sources[name] = plan;
  }
  return { size, seed, negativeFraction, distortedFraction, sources };
}
