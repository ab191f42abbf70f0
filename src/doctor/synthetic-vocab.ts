/**
 * A stand-in for CLIP's BPE merges file, so the doctor's random SLICViT and OWL-ViT models need no download:
 * a "#version" header and CLIP's 48,894 merges, each joining two byte symbols ("a b" → "ab"), all distinct.
 * It tokenizes text into valid ids (bytes and byte pairs), which is all a random-weight model needs; it is NOT
 * CLIP's vocabulary.
 */
import { writeFileSync } from "node:fs";
import { CLIP_MERGE_COUNT } from "../text/bpe-vocabulary.js";
import { BYTE_ENCODER } from "../text/bytes-to-unicode.js";

/**
 * Writes the stand-in merges file (plain text, which the tokenizer reads like the gzip original) to `path`.
 * @example writeSyntheticClipVocab(join(dir, "synthetic-bpe.txt"));
 */
export function writeSyntheticClipVocab(path: string): void {
  const lines = ["#version: 0.2 (gritloc doctor: synthetic byte-pair merges, not CLIP's)"];
  for (let i = 0; i < CLIP_MERGE_COUNT; i++) {
    lines.push(`${BYTE_ENCODER[i % 256]} ${BYTE_ENCODER[Math.floor(i / 256)]}`);
  }
  writeFileSync(path, `${lines.join("\n")}\n`);
}
