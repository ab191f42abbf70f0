/**
 * "Did you mean" for near misses: a mistyped name + the valid ones → the closest valid name, by edit distance
 * (insertions, deletions, substitutions and swaps of two neighbours each cost 1).
 */

/** Optimal-string-alignment distance between `a` and `b` (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d = new Uint16Array(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        d[(i - 1) * cols + j] + 1,
        d[i * cols + j - 1] + 1,
        d[(i - 1) * cols + j - 1] + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[(i - 2) * cols + j - 2] + 1);
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1];
}

/**
 * The candidate closest to `name` when it is a near miss: at most 1 edit for names up to 4 characters, 2 up
 * to 8, 3 beyond; else undefined. A candidate that starts with `name` (an abbreviation) also counts.
 * @example
 * closestName("smaples", ["samples", "images", "run"]); // "samples"
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const budget = name.length <= 4 ? 1 : name.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = candidate.startsWith(name) && name.length >= 3 ? 1 : editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= budget ? best : undefined;
}

/**
 * " Did you mean --samples?" for a near miss, else "".
 * @example didYouMean("smaples", ["samples", "run"], (n) => `--${n}`); // " Did you mean --samples?"
 */
export function didYouMean(
  name: string,
  candidates: readonly string[],
  render: (candidate: string) => string = (c) => c,
): string {
  const match = closestName(name, candidates);
  return match === undefined ? "" : ` Did you mean ${render(match)}?`;
}
