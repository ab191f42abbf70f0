/**
 * The vocabulary a RegionCLIP localizer contrasts queries with: names (a class-names file, else the 1203 LVIS v1
 * names) + their embeddings (the class-embeddings file the weights were opened with, else computed with the
 * text encoder and cached on disk, since 1203 concepts × 81 prompts take minutes on a CPU).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { ClipTokenizer } from "../../text/clip-tokenizer.js";
import { SafetensorsFile } from "../weights/safetensors-reader.js";
import { writeSafetensors } from "../weights/safetensors-writer.js";
import { CLS_SCORE, type RegionClipWeights } from "./checkpoint.js";
import {
  embedConcepts,
  lvisVocabulary,
  type PromptEmbedder,
  type RegionClipVocabulary,
  readClassNamesFile,
  regionClipVocabulary,
} from "./class-embeddings.js";

export interface VocabularySources {
  /** Opened with or without `classEmbeddings`; with them, their rows are the vocabulary's. */
  readonly weights: RegionClipWeights;
  /** A class-names file (one raw LVIS-style name per line). @default the 1203 LVIS v1 names */
  readonly classNames?: string;
  readonly tokenizer: ClipTokenizer;
  /** The text encoder, asked for only when embeddings must be computed. */
  readonly encoder: () => Promise<PromptEmbedder>;
  /** Where computed embeddings are cached (`<cacheDir>/regionclip/`). */
  readonly cacheDir: string;
  /** The text weights' identity (e.g. the weights file's sha256): part of the cache key. */
  readonly identity: string;
  /** Told after each computed concept. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * The vocabulary's names and embeddings.
 * @throws GritlocError E_WEIGHTS_INVALID when the class-embeddings file has a row count other than the
 *   names' (naming the file), E_NOT_FOUND / E_DATA_INVALID for the class-names file.
 */
export async function loadRegionClipVocabulary(sources: VocabularySources): Promise<RegionClipVocabulary> {
  const { weights } = sources;
  const names = sources.classNames === undefined ? lvisVocabulary() : readClassNamesFile(sources.classNames);
  const given = weights.entries.get(CLS_SCORE);
  if (given !== undefined) {
    const [count, dim] = given.shape;
    const embeddings = { count, dim, data: weights.readFloat32(CLS_SCORE) };
    return regionClipVocabulary(names, embeddings, weights.files.classEmbeddings ?? weights.path);
  }
  const key = createHash("sha256")
    .update(JSON.stringify({ recipe: "regionclip-81-templates-mean", identity: sources.identity, names }))
    .digest("hex")
    .slice(0, 24);
  const dir = join(sources.cacheDir, "regionclip");
  const path = join(dir, `class-embeddings-${key}.safetensors`);
  if (existsSync(path)) {
    const file = SafetensorsFile.open(path);
    try {
      const [count, dim] = file.entry("embeddings").shape;
      return regionClipVocabulary(names, { count, dim, data: file.readFloat32("embeddings") }, path);
    } finally {
      file.close();
    }
  }
  const embeddings = await embedConcepts(
    await sources.encoder(),
    sources.tokenizer,
    names,
    sources.onProgress,
  );
  mkdirSync(dir, { recursive: true });
  writeSafetensors(path, {
    embeddings: { shape: [embeddings.count, embeddings.dim], data: embeddings.data },
  });
  return regionClipVocabulary(names, embeddings, path);
}
