/**
 * Stage: tokenisation, one byte-encoded word → BPE pieces. The merge loop of `SimpleTokenizer.bpe` in
 * openai/CLIP `clip/simple_tokenizer.py`: the last symbol carries "</w>", and the lowest-ranked adjacent pair is
 * merged everywhere (left to right, without overlaps) until no known pair is left.
 */

/**
 * Splits `word` (non-empty, characters from `BYTE_ENCODER`) into vocabulary pieces.
 *
 * @param ranks - "first second" → merge priority, from `parseBpeMerges`.
 * @example bytePairEncode("hydrant", ranks) // ["hydr", "ant</w>"]
 */
export function bytePairEncode(word: string, ranks: ReadonlyMap<string, number>): string[] {
  let symbols = word.split("");
  symbols[symbols.length - 1] += "</w>";
  while (symbols.length > 1) {
    let bestRank = Number.POSITIVE_INFINITY;
    let bestIndex = -1;
    for (let i = 0; i + 1 < symbols.length; i++) {
      const rank = ranks.get(`${symbols[i]} ${symbols[i + 1]}`);
      if (rank !== undefined && rank < bestRank) {
        bestRank = rank;
        bestIndex = i;
      }
    }
    if (bestIndex === -1) break;
    const first = symbols[bestIndex];
    const second = symbols[bestIndex + 1];
    const merged: string[] = [];
    for (let i = 0; i < symbols.length; ) {
      if (i + 1 < symbols.length && symbols[i] === first && symbols[i + 1] === second) {
        merged.push(first + second);
        i += 2;
      } else {
        merged.push(symbols[i]);
        i += 1;
      }
    }
    symbols = merged;
  }
  return symbols;
}
