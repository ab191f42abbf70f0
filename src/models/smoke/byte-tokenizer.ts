/**
 * The smoke model's fallback tokenizer, used only when no CLIP vocabulary file is given (the BPE file is a user
 * download and cannot ship inside gritloc): SOT (49406), the text's UTF-8 bytes as ids 0–255, EOT (49407),
 * zero padding; over-long texts keep their first tokens and end with EOT, like `clip.tokenize(truncate=True)`.
 * It is NOT CLIP's tokenizer — fine for a random-weight smoke model, meaningless for a real one.
 */
import type { TextTokenizer } from "../clip/text-tokenizer.js";

const SOT = 49406;
const EOT = 49407;

export class ByteTokenizer implements TextTokenizer {
  /** Identity for options hashes. */
  static readonly identity = "byte-fallback-v1";

  /**
   * @example new ByteTokenizer().encode(["hi"], 77) // 49406, 104, 105, 49407, 0, …
   */
  encode(texts: readonly string[], contextLength: number): Int32Array {
    const out = new Int32Array(texts.length * contextLength);
    const encoder = new TextEncoder();
    for (const [row, text] of texts.entries()) {
      const bytes = encoder.encode(text);
      const base = row * contextLength;
      out[base] = SOT;
      const used = Math.min(bytes.length, contextLength - 2);
      for (let i = 0; i < used; i++) out[base + 1 + i] = bytes[i];
      out[base + 1 + used] = EOT;
    }
    return out;
  }
}
