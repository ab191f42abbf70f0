/**
 * RegionCLIP's language encoder (`CLIPLangEncoder.encode_text`, exactly OpenAI CLIP's text tower) from the
 * checkpoint's `lang_encoder.*` tensors, run with the shared CLIP text graph: int32 ids [N, 77] → text
 * embeddings [N, D] (not normalised). The graph is built once per weights file and cached on disk.
 */
import { GritlocError } from "../../errors.js";
import { GraphBuilder, type OnnxModel } from "../../onnx/graph-builder.js";
import { NnContext, type WeightReader } from "../../onnx/nn/context.js";
import { type ExecutionChoice, OnnxSession, type Precision } from "../../onnx/session.js";
import { cachedGraph } from "../clip/graph-cache.js";
import { addClipTextEncoder } from "../clip/text-tower.js";
import { countLayers, openAiClipNames } from "../clip/weight-names.js";
import { fileSha256 } from "../weights/file-identity.js";
import { createShapeChecker } from "../weights/shape-checker.js";
import { type TensorSource, tensorSourceWeightReader } from "../weights/tensor-source.js";

const PREFIX = "lang_encoder.";

/** The text tower's hyper-parameters. */
export interface RegionClipTextConfig {
  readonly width: number;
  /** Attention heads: width / 64 in CLIP RN50 (8) and RN50x4 (10). */
  readonly heads: number;
  readonly layers: number;
  readonly contextLength: number;
  readonly vocabSize: number;
  /** Output width D (1024 for RN50, 640 for RN50x4): the class-embedding width. */
  readonly embedDim: number;
}

/** The `lang_encoder.*` tensors under OpenAI CLIP's own names. */
function langEncoderReader(weights: WeightReader): WeightReader {
  return {
    has: (name) => weights.has(PREFIX + name),
    shape: (name) => weights.shape(PREFIX + name),
    read: (name) => weights.read(PREFIX + name),
  };
}

function invalid(path: string, problem: string): GritlocError {
  return new GritlocError("E_WEIGHTS_INVALID", `${path}: ${problem}`);
}

/**
 * The text tower's config from the `lang_encoder.*` tensor shapes (heads = width / 64 unless given), every
 * tensor the graph reads checked against it.
 * @throws GritlocError E_WEIGHTS_INVALID naming the file and tensor when one is missing or mis-shaped.
 */
export function regionClipTextConfig(weights: TensorSource, heads?: number): RegionClipTextConfig {
  const reader = langEncoderReader(tensorSourceWeightReader(weights));
  if (!reader.has("token_embedding.weight"))
    throw invalid(
      weights.path,
      'no "lang_encoder.token_embedding.weight": the checkpoint carries no text encoder',
    );
  const [vocabSize, width] = reader.shape("token_embedding.weight");
  const layers = countLayers(
    [...weights.entries.keys()].filter((n) => n.startsWith(PREFIX)).map((n) => n.slice(PREFIX.length)),
    /^transformer\.resblocks\.(\d+)\./,
  );
  const config: RegionClipTextConfig = {
    width,
    heads: heads ?? Math.max(1, Math.floor(width / 64)),
    layers,
    contextLength: reader.shape("positional_embedding")[0],
    vocabSize,
    embedDim: reader.shape("text_projection")[1],
  };
  if (config.width % config.heads !== 0)
    throw invalid(weights.path, `text width ${config.width} is not divisible by ${config.heads} heads`);
  const check = createShapeChecker(reader, {
    mismatch: (name, actual, expected) =>
      invalid(weights.path, `tensor "${PREFIX}${name}" has shape [${actual}], expected [${expected}]`),
  });
  const names = openAiClipNames(layers, 0).text;
  check.tensor(names.positionalEmbedding, [config.contextLength, width]);
  for (const block of names.blocks) {
    check.tensor(block.ln1.weight, [width]);
    if ("qkv" in block.attention) check.linear(block.attention.qkv, width, 3 * width);
    check.linear(block.out, width, width);
    check.tensor(block.ln2.weight, [width]);
    check.linear(block.fc, width, 4 * width);
    check.linear(block.proj, 4 * width, width);
  }
  check.tensor(names.lnFinal.weight, [width]);
  check.linear(names.projection, width, config.embedDim);
  return config;
}

/** The graph: `input_ids` int32 [batch, context] → `text_embeds` float32 [batch, D]. */
export function buildRegionClipTextModel(
  weights: TensorSource,
  config: RegionClipTextConfig,
  precision: Precision,
  identity: string,
): OnnxModel {
  const g = new GraphBuilder("regionclip_text");
  const ctx = new NnContext(g, langEncoderReader(tensorSourceWeightReader(weights)), precision);
  addClipTextEncoder(
    ctx,
    openAiClipNames(config.layers, 0).text,
    { width: config.width, heads: config.heads, contextLength: config.contextLength },
    config.embedDim,
  );
  return g.build({ weights_sha256: identity, precision });
}

export interface RegionClipTextEncoderOptions {
  /** Attention heads when they are not width / 64 (e.g. a narrow test model). */
  readonly heads?: number;
  /** The weights' identity for the graph cache. @default the sha256 of the file at `weights.path` */
  readonly identity?: string;
}

/** A loaded text encoder session. */
export class RegionClipTextEncoder {
  readonly #session: OnnxSession;
  readonly config: RegionClipTextConfig;

  private constructor(session: OnnxSession, config: RegionClipTextConfig) {
    this.#session = session;
    this.config = config;
  }

  /**
   * Builds (or reuses from `cacheDir`) the text graph for `weights` and opens a session on it.
   * @throws GritlocError E_WEIGHTS_INVALID (see {@link regionClipTextConfig}), E_PROVIDER_UNAVAILABLE.
   */
  static async load(
    weights: TensorSource,
    choice: ExecutionChoice,
    cacheDir: string,
    options: RegionClipTextEncoderOptions = {},
  ): Promise<RegionClipTextEncoder> {
    const config = regionClipTextConfig(weights, options.heads);
    const identity = options.identity ?? (await fileSha256(weights.path));
    const path = await cachedGraph(
      cacheDir,
      "regionclip-text",
      { weights: identity, config, precision: choice.precision },
      () => buildRegionClipTextModel(weights, config, choice.precision, identity),
    );
    const session = await OnnxSession.create(path, { provider: choice.provider, threads: choice.threads });
    return new RegionClipTextEncoder(session, config);
  }

  /** Embeds `count` rows of ids ([count, contextLength], row-major) → [count, D]. */
  async embed(ids: Int32Array, count: number): Promise<Float32Array> {
    const out = await this.#session.run({
      input_ids: { type: "int32", data: ids, dims: [count, this.config.contextLength] },
    });
    return out.text_embeds.data as Float32Array;
  }

  async dispose(): Promise<void> {
    await this.#session.dispose();
  }
}
