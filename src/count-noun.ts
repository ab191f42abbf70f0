/**
 * Counts in messages: a number and a noun → "1 sample", "2 samples", "1 box", "3 boxes".
 */

/**
 * `n` and the noun in the number it needs; `plural` defaults to the noun + "s".
 * @example
 * countNoun(1, "sample"); // "1 sample"
 * countNoun(2, "box", "boxes"); // "2 boxes"
 */
export function countNoun(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
