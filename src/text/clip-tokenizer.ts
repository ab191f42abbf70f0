/**
 * Stage: text → token ids. The CLIP BPE tokenizer (openai/CLIP `clip/simple_tokenizer.py` + `clip.tokenize`):
 * strings → `Int32Array` [N, contextLength] for the CLIP text tower, or → ids + attention mask [N, length] in the
 * layout of HuggingFace's OWL-ViT processor (`padding="max_length"`).
 */
import { readFile } from "node:fs/promises";
import { GritlocError, invalidOption } from "../errors.js";
import { type BpeVocabulary, parseBpeMerges } from "./bpe-vocabulary.js";
import { bytePairEncode } from "./byte-pair-encode.js";
import { BYTE_DECODER, BYTE_ENCODER } from "./bytes-to-unicode.js";
import { cleanText } from "./clean-text.js";

// Upstream's pattern (compiled with `regex`, IGNORECASE). Its `\s` is Unicode White_Space, which differs from
// JS `\s` (JS adds U+FEFF), so the class is spelled out.
const REGEX_WHITESPACE = "\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const WORD_RE = new RegExp(
  `<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|\\p{L}+|\\p{N}|[^${REGEX_WHITESPACE}\\p{L}\\p{N}]+`,
  "giu",
);
const SPECIAL_TOKENS = new Set(["<|startoftext|>", "<|endoftext|>"]);

// The per-word cache makes repeated queries cheap; it is cleared when full so memory stays bounded.
const MAX_CACHED_WORDS = 100_000;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** Options of {@link ClipTokenizer.encodePadded}. */
export interface EncodePaddedOptions {
  /** Row length, SOT and EOT included (OWL-ViT: 16, its `max_position_embeddings`). */
  readonly length: number;
  /**
   * Id that fills the row after EOT (CLIP's pad token "!" is id 0, as OWL-ViT uses).
   * @default 0
   */
  readonly padId?: number;
  /**
   * What a text with more than `length` tokens does. `false`: throw `E_INVALID_OPTION` naming the text (HF's
   * processor, which does not truncate, would return a row longer than the model accepts). `true`: keep the
   * first `length` tokens and force the last to EOT, as `clip.tokenize(truncate=True)` does.
   * @default false
   */
  readonly truncate?: boolean;
}

/** Output of {@link ClipTokenizer.encodePadded}: both arrays are row-major [count, length]. */
export interface PaddedTokens {
  readonly ids: Int32Array;
  /** 1 from SOT through EOT, 0 on padding. */
  readonly attentionMask: Int32Array;
  readonly count: number;
  readonly length: number;
}

function checkTexts(texts: readonly string[]): void {
  if (!Array.isArray(texts)) throw invalidOption("texts", "an array of strings", texts);
  for (let i = 0; i < texts.length; i++) {
    if (typeof texts[i] !== "string") throw invalidOption(`texts[${i}]`, "a string", texts[i]);
  }
}

function checkLength(name: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 2) {
    throw invalidOption(name, "an integer of at least 2 (room for SOT and EOT)", value);
  }
  return value as number;
}

/**
 * CLIP's byte-level BPE tokenizer with upstream's text cleaning (see `fix-text.ts` for exactly which ftfy fixes
 * are covered). Load it once and reuse it: BPE results are cached per word.
 *
 * @example
 * const tokenizer = await ClipTokenizer.fromFile("bpe_simple_vocab_16e6.txt.gz");
 * tokenizer.encode(["a photo of a cat."]); // Int32Array [1, 77]: 49406, 320, 1125, 539, 320, 2368, 269, 49407, 0, …
 */
export class ClipTokenizer {
  /** Id of `<|startoftext|>` (49406). */
  readonly sotId: number;
  /** Id of `<|endoftext|>` (49407). */
  readonly eotId: number;
  /** Number of ids (49408). */
  readonly vocabSize: number;
  readonly #vocabulary: BpeVocabulary;
  readonly #wordIds = new Map<string, readonly number[]>();

  private constructor(vocabulary: BpeVocabulary) {
    this.#vocabulary = vocabulary;
    this.sotId = vocabulary.encoder.get("<|startoftext|>")!;
    this.eotId = vocabulary.encoder.get("<|endoftext|>")!;
    this.vocabSize = vocabulary.decoder.length;
  }

  /**
   * Loads CLIP's merges file (`bpe_simple_vocab_16e6.txt.gz`, gzip or plain text).
   * @throws GritlocError `E_NOT_FOUND` when the file does not exist, `E_WEIGHTS_INVALID` (naming the file) when it
   *   cannot be read or is not a CLIP BPE merges file.
   */
  static async fromFile(vocabPath: string): Promise<ClipTokenizer> {
    if (typeof vocabPath !== "string" || vocabPath === "") {
      throw invalidOption("vocabPath", "a file path", vocabPath);
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(vocabPath);
    } catch (cause) {
      const missing = (cause as NodeJS.ErrnoException).code === "ENOENT";
      throw new GritlocError(
        missing ? "E_NOT_FOUND" : "E_WEIGHTS_INVALID",
        missing
          ? `CLIP BPE merges file ${vocabPath} does not exist. Pass the path of bpe_simple_vocab_16e6.txt.gz.`
          : `CLIP BPE merges file ${vocabPath} cannot be read: ${(cause as Error).message}.`,
        { cause },
      );
    }
    return ClipTokenizer.fromBytes(bytes, vocabPath);
  }

  /**
   * Builds the tokenizer from the merges file's bytes.
   * @param source - name used in error messages (e.g. the file or URL the bytes came from).
   * @throws GritlocError `E_WEIGHTS_INVALID` naming `source` when the bytes are not a CLIP BPE merges file.
   */
  static fromBytes(bytes: Uint8Array, source = "the given bytes"): ClipTokenizer {
    if (!(bytes instanceof Uint8Array)) throw invalidOption("bytes", "a Uint8Array or Buffer", bytes);
    return new ClipTokenizer(parseBpeMerges(bytes, source));
  }

  /**
   * Ids of one text without SOT/EOT and without truncation (upstream `SimpleTokenizer.encode`).
   * @example tokenizer.encodeText("fire hydrant") // [1769, 24495, 773]
   */
  encodeText(text: string): number[] {
    if (typeof text !== "string") throw invalidOption("text", "a string", text);
    const ids: number[] = [];
    for (const word of cleanText(text).match(WORD_RE) ?? []) ids.push(...this.#idsOfWord(word));
    return ids;
  }

  /**
   * `clip.tokenize(texts, contextLength, truncate=True)`: row i is [SOT, ids…, EOT, 0, …]; a text with more than
   * `contextLength` tokens keeps its first `contextLength` and ends with EOT in the last slot.
   * @returns Int32Array of shape [texts.length, contextLength], row-major.
   */
  encode(texts: readonly string[], contextLength = 77): Int32Array {
    checkTexts(texts);
    checkLength("contextLength", contextLength);
    const out = new Int32Array(texts.length * contextLength);
    for (let row = 0; row < texts.length; row++) {
      const used = this.#writeRow(out, row * contextLength, contextLength, this.encodeText(texts[row]));
      if (used > contextLength) out[row * contextLength + contextLength - 1] = this.eotId;
    }
    return out;
  }

  /**
   * The OWL-ViT processor layout: row i is [SOT, ids…, EOT, padId, …] of `length`, with an attention mask that is
   * 1 through EOT.
   * @throws GritlocError `E_INVALID_OPTION` naming the text when it needs more than `length` tokens and
   *   `truncate` is false.
   * @example tokenizer.encodePadded(["spoon."], { length: 16 }).ids // 49406, 14024, 269, 49407, 0 × 12
   */
  encodePadded(texts: readonly string[], options: EncodePaddedOptions): PaddedTokens {
    checkTexts(texts);
    if (typeof options !== "object" || options === null) {
      throw invalidOption("options", "an object like { length: 16 }", options);
    }
    const length = checkLength("options.length", options.length);
    const { padId = 0, truncate = false } = options;
    if (!Number.isInteger(padId) || padId < 0 || padId >= this.vocabSize) {
      throw invalidOption("options.padId", `an integer id in [0, ${this.vocabSize})`, padId);
    }
    if (typeof truncate !== "boolean") throw invalidOption("options.truncate", "a boolean", truncate);
    const ids = new Int32Array(texts.length * length).fill(padId);
    const attentionMask = new Int32Array(texts.length * length);
    for (let row = 0; row < texts.length; row++) {
      const text = texts[row];
      const offset = row * length;
      const used = this.#writeRow(ids, offset, length, this.encodeText(text));
      if (used > length) {
        if (!truncate) {
          throw new GritlocError(
            "E_INVALID_OPTION",
            `texts[${row}] ${JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text)} needs ${used} ` +
              `tokens (SOT and EOT included) but rows hold ${length}. Shorten the text or pass truncate: true ` +
              "to keep the first tokens and end with EOT.",
          );
        }
        ids[offset + length - 1] = this.eotId;
      }
      attentionMask.fill(1, offset, offset + Math.min(used, length));
    }
    return { ids, attentionMask, count: texts.length, length };
  }

  /**
   * Ids → text for debugging, as upstream `SimpleTokenizer.decode`: pieces joined, "</w>" → " ", invalid UTF-8
   * replaced by U+FFFD. Special tokens and padding are kept (id 0 reads "!").
   * @example tokenizer.decode([1769, 24495, 773]) // "fire hydrant "
   */
  decode(ids: ArrayLike<number>): string {
    if (typeof ids !== "object" || ids === null || typeof ids.length !== "number") {
      throw invalidOption("ids", "an array of token ids", ids);
    }
    const bytes: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
        throw invalidOption(`ids[${i}]`, `an integer id in [0, ${this.vocabSize})`, id);
      }
      for (const char of this.#vocabulary.decoder[id]) bytes.push(BYTE_DECODER.get(char) ?? 0);
    }
    return utf8Decoder.decode(new Uint8Array(bytes)).replaceAll("</w>", " ");
  }

  /** Writes [SOT, ids…, EOT] from `offset`, at most `length` values; returns the unclipped token count. */
  #writeRow(out: Int32Array, offset: number, length: number, ids: readonly number[]): number {
    out[offset] = this.sotId;
    const kept = Math.min(ids.length, length - 1);
    for (let i = 0; i < kept; i++) out[offset + 1 + i] = ids[i];
    if (ids.length + 1 < length) out[offset + ids.length + 1] = this.eotId;
    return ids.length + 2;
  }

  #idsOfWord(word: string): readonly number[] {
    const cached = this.#wordIds.get(word);
    if (cached !== undefined) return cached;
    const { encoder, ranks } = this.#vocabulary;
    let ids: number[];
    if (SPECIAL_TOKENS.has(word)) {
      // Upstream's cache is seeded with the two special tokens, so they skip BPE and "</w>".
      ids = [encoder.get(word)!];
    } else {
      let byteWord = "";
      for (const byte of utf8Encoder.encode(word)) byteWord += BYTE_ENCODER[byte];
      ids = bytePairEncode(byteWord, ranks).map((piece) => encoder.get(piece)!);
    }
    if (this.#wordIds.size >= MAX_CACHED_WORDS) this.#wordIds.clear();
    this.#wordIds.set(word, ids);
    return ids;
  }
}
