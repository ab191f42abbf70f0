/**
 * `OwlVitLocalizer`: the OWL-ViT family behind the `Localizer` interface. PreparedImage (resized to
 * image_size²) + queries → one Localization per query. The image graph runs once per image; each query costs
 * the text graph (cached per query text) and the class head.
 */
import { createHash } from "node:crypto";
import { defaultCacheDir } from "../../cache-dir.js";
import { GritlocError, invalidOption } from "../../errors.js";
import { encodeModel } from "../../onnx/model-writer.js";
import { chooseExecution, OnnxSession, type RuntimeOptions } from "../../onnx/session.js";
import { ClipTokenizer } from "../../text/clip-tokenizer.js";
import type { PreparedImage, PrepareSpec } from "../../vision/prepare.js";
import { cachedGraph, GRAPH_FORMAT_VERSION } from "../clip/graph-cache.js";
import type { Localization, Localizer, LocalizerInfo } from "../localizer.js";
import { requireFilePath } from "../require-file-path.js";
import { fileSha256 } from "../weights/file-identity.js";
import { type OwlVitCheckpoint, openOwlVitCheckpoint } from "./checkpoint.js";
import { buildOwlVitClassHeadModel } from "./class-head-graph.js";
import { gridSize } from "./config.js";
import { detectionsForQuery, type OwlVitDetections } from "./detections.js";
import { gritPostProcess } from "./grit-post-process.js";
import { buildOwlVitImageModel } from "./image-graph.js";
import { type OwlVitOptions, type ResolvedOwlVitOptions, resolveOwlVitOptions } from "./options.js";
import { postProcessObjectDetection } from "./post-process-object-detection.js";
import {
  defaultOwlVitPreprocessing,
  type OwlVitPreprocessing,
  owlVitPixelValues,
  readOwlVitPreprocessing,
} from "./preprocess.js";
import { QueryCache } from "./query-cache.js";
import { buildOwlVitTextModel } from "./text-graph.js";

/** The files of one checkpoint (what `fetchModelFiles("owlvit-base-patch32")` returns by role). */
export interface OwlVitFiles {
  /** `model.safetensors` with Hugging Face `OwlViTForObjectDetection` names. */
  readonly weights: string;
  /** Its `config.json`. */
  readonly config: string;
  /** CLIP's BPE merges file `bpe_simple_vocab_16e6.txt.gz` (OWL-ViT uses the CLIP tokenizer). */
  readonly vocab: string;
  /** Its `preprocessor_config.json`; without it the processor defaults for the model's image_size apply. */
  readonly preprocessorConfig?: string;
}

/** How the localizer is described in run metadata. */
export interface OwlVitIdentity {
  /** e.g. "owlvit-base-patch32". @default "owlvit" */
  readonly model?: string;
  /** True for random weights (scores mean nothing). @default false */
  readonly isSmoke?: boolean;
}

/** The per-image encoding: everything the class head and the boxes need, float32, batch dimension dropped. */
export interface OwlVitImageEncoding {
  readonly patches: number;
  /** [P, 4] normalised (cx, cy, w, h). */
  readonly predBoxes: Float32Array;
  /** [P, E], unit length. */
  readonly classEmbeds: Float32Array;
  /** [P]. */
  readonly logitShift: Float32Array;
  /** [P], elu(·) + 1. */
  readonly logitScale: Float32Array;
  /** [P, D] feature map (`outputs.image_embeds`), only when asked for. */
  readonly imageEmbeds?: Float32Array;
}

/** Text embeddings of queries, [N, E] each. */
export interface OwlVitQueryEncoding {
  /** `text_projection(pooled)`. */
  readonly textEmbeds: Float32Array;
  /** The same, unit length (what the class head uses). */
  readonly queryEmbeds: Float32Array;
}

const QUERY_CACHE_SIZE = 4096;

/** One OWL-ViT checkpoint with its three ONNX sessions. Create with {@link createOwlVitLocalizer}. */
export class OwlVitLocalizer implements Localizer {
  readonly info: LocalizerInfo;
  readonly prepareSpec: Required<Pick<PrepareSpec, "width" | "height">>;
  readonly options: ResolvedOwlVitOptions;
  readonly #image: OnnxSession;
  readonly #text: OnnxSession;
  readonly #head: OnnxSession;
  readonly #tokenizer: ClipTokenizer;
  readonly #preprocessing: OwlVitPreprocessing;
  readonly #tokens: number;
  readonly #embed: number;
  readonly #patches: number;
  readonly #cache = new QueryCache(QUERY_CACHE_SIZE);
  #disposed = false;

  /** @internal Use {@link createOwlVitLocalizer}. */
  constructor(parts: {
    info: LocalizerInfo;
    options: ResolvedOwlVitOptions;
    sessions: { image: OnnxSession; text: OnnxSession; head: OnnxSession };
    tokenizer: ClipTokenizer;
    preprocessing: OwlVitPreprocessing;
    tokens: number;
    embed: number;
    patches: number;
  }) {
    this.info = parts.info;
    this.options = parts.options;
    this.prepareSpec = Object.freeze({ width: parts.preprocessing.size, height: parts.preprocessing.size });
    this.#image = parts.sessions.image;
    this.#text = parts.sessions.text;
    this.#head = parts.sessions.head;
    this.#tokenizer = parts.tokenizer;
    this.#preprocessing = parts.preprocessing;
    this.#tokens = parts.tokens;
    this.#embed = parts.embed;
    this.#patches = parts.patches;
  }

  #checkAlive(): void {
    if (this.#disposed) {
      throw new GritlocError(
        "E_INVALID_OPTION",
        "This OwlVitLocalizer was disposed; create a new one with createOwlVitLocalizer.",
      );
    }
  }

  /** Runs the image graph once. @throws GritlocError E_INVALID_OPTION when the image is not image_size². */
  async encodeImage(image: PreparedImage, { withImageEmbeds = false } = {}): Promise<OwlVitImageEncoding> {
    this.#checkAlive();
    const size = this.#preprocessing.size;
    const pixels = owlVitPixelValues(image.resized, this.#preprocessing);
    const names = [
      "pred_boxes",
      "class_embeds",
      "logit_shift",
      "logit_scale",
      ...(withImageEmbeds ? ["image_embeds"] : []),
    ];
    const out = await this.#image.run(
      { pixel_values: { type: "float32", data: pixels, dims: [1, 3, size, size] } },
      names,
    );
    const data = (name: string) => out[name].data as Float32Array;
    return {
      patches: this.#patches,
      predBoxes: data("pred_boxes"),
      classEmbeds: data("class_embeds"),
      logitShift: data("logit_shift"),
      logitScale: data("logit_scale"),
      ...(withImageEmbeds ? { imageEmbeds: data("image_embeds") } : {}),
    };
  }

  /** Runs the text graph on `queries` (no cache). */
  async encodeQueries(queries: readonly string[]): Promise<OwlVitQueryEncoding> {
    this.#checkAlive();
    const { ids, attentionMask, count } = this.#tokenizer.encodePadded(queries, {
      length: this.#tokens,
      padId: 0,
      truncate: this.options.truncateQueries,
    });
    const dims = [count, this.#tokens];
    const out = await this.#text.run({
      input_ids: { type: "int32", data: ids, dims },
      attention_mask: { type: "int32", data: attentionMask, dims },
    });
    return {
      textEmbeds: out.text_embeds.data as Float32Array,
      queryEmbeds: out.query_embeds.data as Float32Array,
    };
  }

  /** Unit query embeddings [N, E], from the cache where possible. */
  async #queryEmbeds(queries: readonly string[]): Promise<Float32Array> {
    const found = new Map<string, Float32Array>();
    const missing = new Set<string>();
    for (const q of queries) {
      const hit = found.has(q) ? undefined : this.#cache.get(q);
      if (hit !== undefined) found.set(q, hit);
      else if (!found.has(q)) missing.add(q);
    }
    if (missing.size > 0) {
      const list = [...missing];
      const { queryEmbeds } = await this.encodeQueries(list);
      for (const [i, q] of list.entries()) {
        const row = queryEmbeds.slice(i * this.#embed, (i + 1) * this.#embed);
        found.set(q, row);
        this.#cache.set(q, row);
      }
    }
    const out = new Float32Array(queries.length * this.#embed);
    for (const [i, q] of queries.entries()) out.set(found.get(q)!, i * this.#embed);
    return out;
  }

  /** Logits [P, N] and boxes for one image and its queries (HF's `outputs.logits` / `pred_boxes`). */
  async detect(image: PreparedImage, queries: readonly string[]): Promise<OwlVitDetections> {
    const encoding = await this.encodeImage(image);
    return this.classify(encoding, await this.#queryEmbeds(queries), queries.length);
  }

  /** The class head: an image encoding and N unit query embeddings → detections. */
  async classify(
    encoding: OwlVitImageEncoding,
    queryEmbeds: Float32Array,
    count: number,
  ): Promise<OwlVitDetections> {
    this.#checkAlive();
    const p = encoding.patches;
    const out = await this.#head.run({
      class_embeds: { type: "float32", data: encoding.classEmbeds, dims: [p, this.#embed] },
      logit_shift: { type: "float32", data: encoding.logitShift, dims: [p, 1] },
      logit_scale: { type: "float32", data: encoding.logitScale, dims: [p, 1] },
      query_embeds: { type: "float32", data: queryEmbeds, dims: [count, this.#embed] },
    });
    return {
      patches: p,
      queries: count,
      logits: out.logits.data as Float32Array,
      predBoxes: encoding.predBoxes,
    };
  }

  /** Localizes every query in the image with the configured output mode. */
  async localize(image: PreparedImage, queries: readonly string[]): Promise<Localization[]> {
    this.#checkAlive();
    if (!Array.isArray(queries)) throw invalidOption("queries", "an array of strings", queries);
    if (queries.length === 0) return [];
    const detections = await this.detect(image, queries);
    const size = image.sourceSize;
    if (this.options.mode === "grit") {
      return queries.map((_, q) => gritPostProcess(detections, q, size, this.options));
    }
    // Each query is post-processed on its own (HF called with that one query): the Localizer contract is that a
    // query's result does not depend on the other queries in the call — the runner groups a GRIT image's samples
    // into one call. HF's multi-query competition (argmax over queries) stays available through `detect` +
    // `postProcessObjectDetection`.
    return queries.map((_, q) => {
      const result = postProcessObjectDetection(
        detectionsForQuery(detections, q),
        this.options.scoreThreshold,
        size,
      );
      // HF has no per-query confidence; the best kept score is the natural one (0 when nothing is kept).
      return {
        boxes: result.boxes,
        scores: result.scores,
        confidence: result.scores.length ? Math.max(...result.scores) : 0,
      };
    });
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await Promise.all([this.#image.dispose(), this.#text.dispose(), this.#head.dispose()]);
  }
}

function hashOf(description: unknown): string {
  return createHash("sha256").update(JSON.stringify(description)).digest("hex");
}

async function openSessions(checkpoint: OwlVitCheckpoint, runtime: RuntimeOptions) {
  const choice = await chooseExecution(runtime);
  const cacheDir = runtime.cacheDir ?? defaultCacheDir();
  const key = { weights: checkpoint.sha256, config: checkpoint.config, precision: choice.precision };
  const imagePath = await cachedGraph(cacheDir, "owlvit-image", key, () =>
    buildOwlVitImageModel(checkpoint, choice.precision),
  );
  const textPath = await cachedGraph(cacheDir, "owlvit-text", key, () =>
    buildOwlVitTextModel(checkpoint, choice.precision),
  );
  const session = { provider: choice.provider, threads: choice.threads };
  const image = await OnnxSession.create(imagePath, session);
  const text = await OnnxSession.create(textPath, session);
  const head = await OnnxSession.create(
    encodeModel(buildOwlVitClassHeadModel(checkpoint.config.text.hiddenSize)),
    session,
  );
  return { choice, sessions: { image, text, head } };
}

/**
 * Opens an OWL-ViT checkpoint, builds (or reuses from the graph cache) its image and text graphs, and returns
 * a localizer. Options are resolved once; `info.optionsHash` covers the weights, config, vocabulary,
 * preprocessing and every option.
 *
 * @throws GritlocError E_INVALID_OPTION (bad option), E_NOT_FOUND (missing file), E_WEIGHTS_INVALID,
 *   E_PROVIDER_UNAVAILABLE.
 * @example
 * const files = (await fetchModelFiles("owlvit-base-patch32")).files;
 * const owl = await createOwlVitLocalizer(files as OwlVitFiles, { mode: "grit" });
 * const [loc] = await owl.localize(prepared, ["a cup of coffee"]); // { boxes, scores, confidence }
 */
export async function createOwlVitLocalizer(
  files: OwlVitFiles,
  options: OwlVitOptions = {},
  runtime: RuntimeOptions = {},
  identity: OwlVitIdentity = {},
): Promise<OwlVitLocalizer> {
  const resolved = resolveOwlVitOptions(options);
  if (typeof files !== "object" || files === null)
    throw invalidOption("files", "{ weights, config, vocab }", files);
  for (const role of ["weights", "config", "vocab"] as const) requireFilePath(files[role], `files.${role}`);
  const tokenizer = await ClipTokenizer.fromFile(files.vocab);
  const checkpoint = await openOwlVitCheckpoint(files.weights, files.config);
  try {
    const { config } = checkpoint;
    const preprocessing =
      files.preprocessorConfig === undefined
        ? defaultOwlVitPreprocessing(config.vision.imageSize)
        : readOwlVitPreprocessing(files.preprocessorConfig, config.vision.imageSize);
    const { choice, sessions } = await openSessions(checkpoint, runtime);
    const optionsHash = hashOf({
      family: "owlvit",
      graphFormat: GRAPH_FORMAT_VERSION,
      weights: checkpoint.sha256,
      config,
      vocab: await fileSha256(files.vocab),
      preprocessing,
      options: resolved,
    });
    return new OwlVitLocalizer({
      info: Object.freeze({
        family: "owlvit",
        model: identity.model ?? "owlvit",
        optionsHash,
        paramsInMillions: checkpoint.parameterCount / 1e6,
        provider: choice.provider,
        isSmoke: identity.isSmoke ?? false,
      }),
      options: resolved,
      sessions,
      tokenizer,
      preprocessing,
      tokens: config.text.maxPositionEmbeddings,
      embed: config.text.hiddenSize,
      patches: gridSize(config) ** 2,
    });
  } finally {
    // Graphs are built (or cached) by now, so the weights file is no longer read.
    checkpoint.close();
  }
}
