/**
 * The vocabulary's class embeddings [K, D]: the released file's rows (`lvis_1203_cls_emb*.pth`, loaded as
 * `cls_score.weight`), or computed from the names with the checkpoint's text tower (81 prompts per name) and
 * kept in `<cacheDir>/regionclip-classes/`, since 1,203 names × 81 prompts take long on a CPU.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../grit/atomic-write.js";
import { createLogger } from "../../logger.js";
import type { ClipTokenizer } from "../../text/clip-tokenizer.js";
import type { TensorSource } from "../weights/tensor-source.js";
import { CLS_SCORE } from "./checkpoint.js";
import { type ClassEmbeddings, embedConcepts, type PromptEmbedder } from "./class-embeddings.js";

const log = createLogger("models");

export interface VocabularyEmbeddingSource {
  /** Prepared names, one per class. */
  readonly names: readonly string[];
  /** The loaded weights; `cls_score.weight` is there when a class-embeddings file was given. */
  readonly weights: TensorSource;
  readonly encoder: PromptEmbedder;
  readonly tokenizer: ClipTokenizer;
  readonly cacheDir: string;
  /** Identifies the text tower (weights hash, heads): part of the cache key. */
  readonly textIdentity: unknown;
}

/** The class embeddings (see the file comment); computed ones are read back from the cache next time. */
export async function vocabularyEmbeddings(source: VocabularyEmbeddingSource): Promise<ClassEmbeddings> {
  const { names, weights } = source;
  const given = weights.entries.get(CLS_SCORE);
  if (given !== undefined) {
    const [count, dim] = given.shape;
    return { count, dim, data: weights.readFloat32(CLS_SCORE) };
  }
  const key = createHash("sha256")
    .update(JSON.stringify({ text: source.textIdentity, names }))
    .digest("hex")
    .slice(0, 24);
  const dir = join(source.cacheDir, "regionclip-classes");
  const path = join(dir, `${key}.f32`);
  if (existsSync(path)) {
    const bytes = readFileSync(path);
    const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    return { count: names.length, dim: data.length / names.length, data };
  }
  log.info(`computing ${names.length} class embeddings (81 prompts each); they are cached in ${dir}`);
  let reported = 0;
  const embeddings = await embedConcepts(source.encoder, source.tokenizer, names, (done, total) => {
    if (done === total || done - reported >= 100) {
      reported = done;
      log.info(`class embeddings: ${done}/${total}`);
    }
  });
  mkdirSync(dir, { recursive: true });
  await writeFileAtomic(path, new Uint8Array(embeddings.data.buffer, embeddings.data.byteOffset, embeddings.data.byteLength));
  return embeddings;
}
