/**
 * RegionCLIP query embeddings on disk: a query outside the vocabulary costs its 81 prompts through the text
 * tower (about 3 s on a 2-core CPU at RN50 size), and GRIT's ablation set has hundreds of such queries, so each
 * is computed once per weights and read back by every later session or resume of a run. One file per query
 * text (D float32 values, little-endian: 4 KB for RN50) under `<cacheDir>/regionclip/queries-<key>/`, where the
 * key covers the text weights' and tokenizer's identity and the recipe, not the provider or precision: the
 * first session to store a query's row wins, so sessions of one run on a GPU and on a CPU use the same row.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic, writeFileOnce } from "../../atomic-file.js";
import { createLogger } from "../../logger.js";

const log = createLogger("models");

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export class QueryEmbeddingStore {
  readonly dir: string;
  #writeFailed = false;

  /**
   * @param cacheDir - the gritloc cache folder.
   * @param identity - the text side's identity (e.g. the weights' sha256, the head count, the BPE file's sha256).
   */
  constructor(cacheDir: string, identity: string) {
    const key = sha256(JSON.stringify({ recipe: "regionclip-81-templates-mean", identity })).slice(0, 24);
    this.dir = join(cacheDir, "regionclip", `queries-${key}`);
  }

  /** The stored embedding of `text` when there is one of `dim` values (a damaged file counts as none). */
  async read(text: string, dim: number): Promise<Float32Array | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.pathOf(text));
    } catch {
      return undefined;
    }
    if (bytes.length !== dim * 4) return undefined;
    const values = new Float32Array(dim);
    for (let i = 0; i < dim; i++) values[i] = bytes.readFloatLE(i * 4);
    return values;
  }

  /**
   * Stores the embedding of `text` unless another session stored one first, and resolves to the row to use:
   * the stored one, so that every session of a run contrasts the same row (a damaged file is replaced). A
   * cache that cannot be written costs only time: the first failure is logged as a warning.
   */
  async keep(text: string, embedding: Float32Array): Promise<Float32Array> {
    const bytes = Buffer.alloc(embedding.length * 4);
    for (let i = 0; i < embedding.length; i++) bytes.writeFloatLE(embedding[i], i * 4);
    const path = this.pathOf(text);
    try {
      if (await writeFileOnce(path, bytes)) return embedding;
      const stored = await this.read(text, embedding.length);
      if (stored !== undefined) return stored;
      await writeFileAtomic(path, bytes);
    } catch (error) {
      if (!this.#writeFailed) {
        this.#writeFailed = true;
        log.warn(
          `query embeddings are not kept on disk (${(error as Error).message}); each new query is embedded ` +
            "again in every session",
        );
      }
    }
    return embedding;
  }

  private pathOf(text: string): string {
    return join(this.dir, `${sha256(text)}.f32`);
  }
}
