/**
 * Sampling like GRIT's ablation set: one source's (category → images where present / verified absent) →
 * the drawn (image, category) pairs: one per pair, at most `cap` positives and `negativeCap` negatives per
 * category, negatives a fixed share of the drawn samples and only from verified-absent pairs, all seeded.
 */
import { labelledUniform, shuffleInPlace } from "./seeded-shuffle.js";

/** What one source offers to draw from. Image and category keys are strings; lists are in a fixed order. */
export interface PairPool {
  /** Label of the source's random streams, e.g. "coco". */
  readonly source: string;
  /** Every category key, in a fixed order. */
  readonly categories: readonly string[];
  /** category → images where it is present (has ground-truth boxes). */
  readonly present: ReadonlyMap<string, readonly string[]>;
  /** category → images where it is verified absent (never an image of `present`). */
  readonly absent: ReadonlyMap<string, readonly string[]>;
}

export interface DrawPairsOptions {
  readonly seed: number;
  /** Samples wanted (positives + negatives). */
  readonly target: number;
  /** Positives per category at most. */
  readonly cap: number;
  /** Negatives per category at most. */
  readonly negativeCap: number;
  /** Share of negatives among the drawn samples, in [0, 1). */
  readonly negativeFraction: number;
}

export interface DrawnPair {
  readonly category: string;
  readonly image: string;
  readonly negative: boolean;
}

export interface DrawnPairs {
  readonly pairs: readonly DrawnPair[];
  readonly positives: number;
  readonly negatives: number;
  /** Samples short of `target` because the pool (with its caps) holds too few. */
  readonly shortfall: number;
}

function drawPositives(pool: PairPool, options: DrawPairsOptions, wanted: number): DrawnPair[] {
  const next = labelledUniform(options.seed, `${pool.source}/positives`);
  const kept: DrawnPair[] = [];
  for (const category of pool.categories) {
    const images = shuffleInPlace([...(pool.present.get(category) ?? [])], next);
    for (const image of images.slice(0, options.cap)) kept.push({ category, image, negative: false });
  }
  return shuffleInPlace(kept, next).slice(0, wanted);
}

/** Round-robin over the categories in a seeded order, one random absent image each turn (uniform over names). */
function drawNegatives(pool: PairPool, options: DrawPairsOptions, wanted: number): DrawnPair[] {
  const next = labelledUniform(options.seed, `${pool.source}/negatives`);
  const lists = pool.categories
    .map((category) => ({ category, images: [...(pool.absent.get(category) ?? [])] }))
    .filter((l) => l.images.length > 0);
  for (const l of lists) shuffleInPlace(l.images, next);
  shuffleInPlace(lists, next);
  const drawn: DrawnPair[] = [];
  const perCategory = Math.min(options.negativeCap, Math.max(0, ...lists.map((l) => l.images.length)));
  for (let round = 0; round < perCategory && drawn.length < wanted; round++) {
    for (const l of lists) {
      if (drawn.length >= wanted) break;
      const image = l.images[round];
      if (image !== undefined) drawn.push({ category: l.category, image, negative: true });
    }
  }
  return drawn;
}

/**
 * Draws one source's pairs (see the file header). Positives are drawn first; the negatives then keep their
 * share of what was drawn, so a short pool lowers both. Pairs come back sorted by (category, image).
 * @example
 * const { pairs } = drawPairs(pool, { seed: 0, target: 170, cap: 3, negativeCap: 3, negativeFraction: 0.25 });
 */
export function drawPairs(pool: PairPool, options: DrawPairsOptions): DrawnPairs {
  const wantedNegatives = Math.round(options.target * options.negativeFraction);
  const positives = drawPositives(pool, options, options.target - wantedNegatives);
  const share = options.negativeFraction / (1 - options.negativeFraction);
  const negatives = drawNegatives(
    pool,
    options,
    Math.min(wantedNegatives, Math.round(positives.length * share)),
  );
  const pairs = [...positives, ...negatives].sort((a, b) =>
    a.category === b.category ? compare(a.image, b.image) : compare(a.category, b.category),
  );
  return {
    pairs,
    positives: positives.length,
    negatives: negatives.length,
    shortfall: options.target - pairs.length,
  };
}

/** Code-unit order (locale-independent). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
