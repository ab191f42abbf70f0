/**
 * What a CLIP text encoder needs from a tokenizer, and loading the real CLIP BPE tokenizer with an identity
 * (the vocabulary's sha256) that goes into a localizer's options hash. texts → Int32Array [N, context].
 */
import { ClipTokenizer } from "../../text/clip-tokenizer.js";
import { fileSha256 } from "../weights/file-identity.js";

export interface TextTokenizer {
  /** Row i = the ids of texts[i], padded/truncated to `contextLength` (`clip.tokenize` layout). */
  encode(texts: readonly string[], contextLength: number): Int32Array;
}

export interface LoadedTokenizer {
  readonly tokenizer: TextTokenizer;
  /** Changes whenever the ids could change (e.g. the vocabulary file's sha256). */
  readonly identity: string;
}

/** Loads `bpe_simple_vocab_16e6.txt.gz` (see `ClipTokenizer.fromFile` for errors). */
export async function loadClipTokenizer(vocabPath: string): Promise<LoadedTokenizer> {
  const tokenizer = await ClipTokenizer.fromFile(vocabPath);
  return { tokenizer, identity: `clip-bpe:${await fileSha256(vocabPath)}` };
}
