/**
 * Stage: tokenizer setup, merges-file bytes → `BpeVocabulary`. Reads CLIP's `bpe_simple_vocab_16e6.txt.gz`
 * (gzip or plain UTF-8) and builds the vocabulary exactly as openai/CLIP `clip/simple_tokenizer.py` does:
 * 256 byte characters, the same with "</w>", 48,894 merges, `<|startoftext|>`, `<|endoftext|>` (49,408 ids).
 */
import { gunzipSync } from "node:zlib";
import { GritlocError } from "../errors.js";
import { BYTE_VOCABULARY } from "./bytes-to-unicode.js";

/** Merges upstream reads: lines 1 .. 49152 − 256 − 2 of the file (line 0 is a "#version" header). */
export const CLIP_MERGE_COUNT = 49152 - 256 - 2;

export interface BpeVocabulary {
  /** Token string → id. */
  readonly encoder: ReadonlyMap<string, number>;
  /** Id → token string. */
  readonly decoder: readonly string[];
  /** "first second" → merge priority (lower merges first). */
  readonly ranks: ReadonlyMap<string, number>;
}

function invalid(source: string, problem: string, cause?: unknown): GritlocError {
  return new GritlocError(
    "E_WEIGHTS_INVALID",
    `${source} is not a CLIP BPE merges file: ${problem}. ` +
      "Use CLIP's bpe_simple_vocab_16e6.txt.gz (gzip or plain text, a '#version' line then one merge per line).",
    cause === undefined ? {} : { cause },
  );
}

function decodeText(bytes: Uint8Array, source: string): string {
  let data = bytes;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      data = gunzipSync(bytes);
    } catch (cause) {
      throw invalid(source, "it starts like gzip but does not decompress", cause);
    }
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch (cause) {
    throw invalid(source, "it is neither gzip nor UTF-8 text", cause);
  }
}

/**
 * Parses a CLIP BPE merges file.
 *
 * @param source - the file name (or another label) that errors name.
 * @throws GritlocError `E_WEIGHTS_INVALID` naming `source` when the bytes are not gzip/UTF-8, the first line is
 *   not a "#version" header, a merge line does not hold exactly two symbols, or there are too few merges.
 */
export function parseBpeMerges(bytes: Uint8Array, source: string): BpeVocabulary {
  const text = decodeText(bytes, source);
  const headerEnd = text.indexOf("\n");
  const header = text.slice(0, headerEnd === -1 ? text.length : headerEnd);
  if (!header.includes("#version")) {
    throw invalid(
      source,
      `its first line is ${JSON.stringify(header.slice(0, 60))}, not a '#version' header`,
    );
  }
  const merges: [string, string][] = [];
  let start = headerEnd + 1;
  while (merges.length < CLIP_MERGE_COUNT && headerEnd !== -1 && start < text.length) {
    const newline = text.indexOf("\n", start);
    const end = newline === -1 ? text.length : newline;
    // Python's `str.split()`: any whitespace run separates, edges ignored (so a "\r" from CRLF is harmless).
    const symbols = text.slice(start, end).trim().split(/\s+/);
    if (symbols.length !== 2 || symbols[0] === "") {
      const lineNumber = merges.length + 2;
      throw invalid(
        source,
        `line ${lineNumber} holds ${JSON.stringify(text.slice(start, end).slice(0, 60))}, not two symbols`,
      );
    }
    merges.push([symbols[0], symbols[1]]);
    if (newline === -1) break;
    start = newline + 1;
  }
  if (merges.length < CLIP_MERGE_COUNT) {
    throw invalid(source, `it holds ${merges.length} merges, CLIP needs ${CLIP_MERGE_COUNT}`);
  }
  const decoder = [
    ...BYTE_VOCABULARY,
    ...BYTE_VOCABULARY.map((char) => `${char}</w>`),
    ...merges.map(([first, second]) => first + second),
    "<|startoftext|>",
    "<|endoftext|>",
  ];
  // Later duplicates win, as in upstream's dict(zip(...)).
  const encoder = new Map(decoder.map((token, id) => [token, id]));
  const ranks = new Map(merges.map(([first, second], rank) => [`${first} ${second}`, rank]));
  return { encoder, decoder, ranks };
}
