/**
 * RegionCLIP query embeddings on disk: a query outside the vocabulary costs its 81 prompts through the text
 * tower (about 3 s on a 2-core CPU at RN50 size), and GRIT's ablation set has hundreds of such queries, so each
 * is computed once per weights and read back by every later session or resume of a run. One file per query
 * text (D float32 values, little-endian: 4 KB for RN50) under `<cacheDir>/regionclip/queries-<key>/`, where the
 * key covers the text weights' identity and the recipe, not the provider or precision: the first session to
 * embed a query stores it, so sessions of one run on a GPU and on a CPU contrast the same class rows.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../../atomic-file.js";
import { createLogger } from "../../logger.js";

const log = createLogger("models");

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export class QueryEmbeddingStore {
  readonly dir: string;
  #writeFailed = false;

  /**
   * @param cacheDir - the gritloc cache folder.
   * @param identity - the text weights' identity (e.g. the weights file's sha256 and the head count).
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
   * Stores the embedding of `text`. A cache that cannot be written costs only time: the first failure is
   * logged as a warning and the run goes on.
   */
  async write(text: string, embedding: Float32Array): Promise<void> {
    const bytes = Buffer.alloc(embedding.length * 4);
    for (let i = 0; i < embedding.length; i++) bytes.writeFloatLE(embedding[i], i * 4);
    try {
      await writeFileAtomic(this.pathOf(text), bytes);
    } catch (error) {
      if (this.#writeFailed) return;
      this.#writeFailed = true;
      log.warn(
        `query embeddings are not kept on disk (${(error as Error).message}); each new query is embedded again ` +
          "in every session",
      );
    }
  }

  private pathOf(text: string): string {
    return join(this.dir, `${sha256(text)}.f32`);
  }
}
