/**
 * The values a GRIT partition score (×100) can take: an accuracy in [0, 100], or for deldist the difference of
 * two accuracies, in [-100, 100]. A t-interval over few samples can reach past them; tables and charts say so.
 */

/** [min, max] of a partition's score; `partition` may carry a within-source suffix ("newCpt@newSrc"). */
export function possibleScoreRange(partition: string): readonly [number, number] {
  return partition === "deldist" ? [-100, 100] : [0, 100];
}

/** True when [lower, upper] reaches past what `partition`'s score can be. */
export function intervalLeavesRange(partition: string, lower: number, upper: number): boolean {
  const [lo, hi] = possibleScoreRange(partition);
  return lower < lo || upper > hi;
}
