/**
 * Runs CLIP's text graph: token ids [N, context] → text embeddings [N, embed] (not normalised).
 * Loads the cached graph for the checkpoint and precision, building it first when needed.
 */
import { type ExecutionChoice, OnnxSession } from "../../onnx/session.js";
import type { ClipCheckpoint } from "./checkpoint.js";
import { buildClipTextModel } from "./clip-graphs.js";
import { cachedGraph } from "./graph-cache.js";

export class ClipTextEncoder {
  readonly #session: OnnxSession;
  readonly contextLength: number;
  readonly embedDim: number;

  private constructor(session: OnnxSession, contextLength: number, embedDim: number) {
    this.#session = session;
    this.contextLength = contextLength;
    this.embedDim = embedDim;
  }

  /** Builds (or reuses from `cacheDir`) the text graph and opens a session on it. */
  static async load(
    checkpoint: ClipCheckpoint,
    choice: ExecutionChoice,
    cacheDir: string,
  ): Promise<ClipTextEncoder> {
    const c = checkpoint.config;
    const path = await cachedGraph(
      cacheDir,
      "clip-text",
      { weights: checkpoint.sha256, config: c, naming: checkpoint.names.naming, precision: choice.precision },
      () => buildClipTextModel(checkpoint, choice.precision),
    );
    const session = await OnnxSession.create(path, { provider: choice.provider, threads: choice.threads });
    return new ClipTextEncoder(session, c.contextLength, c.embedDim);
  }

  /** Embeds `count` rows of int32 ids ([count, contextLength], row-major). */
  async embed(ids: Int32Array, count: number): Promise<Float32Array> {
    const out = await this.#session.run({
      input_ids: { type: "int32", data: ids, dims: [count, this.contextLength] },
    });
    return out.text_embeds.data as Float32Array;
  }

  async dispose(): Promise<void> {
    await this.#session.dispose();
  }
}
