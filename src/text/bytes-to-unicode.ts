/**
 * Stage: tokenisation data. GPT-2/CLIP's reversible byte ↔ character table (`bytes_to_unicode` in openai/CLIP
 * `clip/simple_tokenizer.py`): printable Latin-1 bytes map to themselves, the other 68 to U+0100–U+0143, so BPE
 * works on strings of visible characters.
 */

function buildByteEncoder(): string[] {
  const isPrintable = (byte: number) =>
    (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
  const table = new Array<string>(256);
  let next = 0x100;
  for (let byte = 0; byte < 256; byte++) {
    table[byte] = String.fromCharCode(isPrintable(byte) ? byte : next++);
  }
  return table;
}

/** Character standing for each byte 0–255. */
export const BYTE_ENCODER: readonly string[] = buildByteEncoder();

/**
 * The 256 characters in upstream's vocabulary order: printable bytes ascending, then the remapped ones
 * (the first 256 ids; ids 256–511 are the same characters followed by "</w>").
 */
export const BYTE_VOCABULARY: readonly string[] = [
  ...BYTE_ENCODER.filter((char) => char.charCodeAt(0) < 0x100),
  ...BYTE_ENCODER.filter((char) => char.charCodeAt(0) >= 0x100),
];

/** Byte of each character of `BYTE_ENCODER`. */
export const BYTE_DECODER: ReadonlyMap<string, number> = new Map(
  BYTE_ENCODER.map((char, byte) => [char, byte]),
);
