/**
 * `RegionClipLocalizer`: RegionCLIP zero-shot (`CLIP_fast_rcnn_R_50_C4_zsinf`) behind the `Localizer`
 * interface. PreparedImage (the decoded source; the localizer resizes the shortest edge itself) + queries →
 * one Localization per query, by the GRIT single-query rule.
 *
 * Per image: the R50-FPN RPN → proposals, CLIP res4 → RoI head → region features, cosines to the vocabulary.
 * Per query: its class (a vocabulary name, else its text embedding added as class K, cached per query text),
 * softmax over the classes + background, fused scores, the detector's selection, the output mode. A query's
 * result depends only on the query and the vocabulary, never on the other queries of the call.
 */
import { createHash } from "node:crypto";
import { defaultCacheDir } from "../../cache-dir.js";
import { GritlocError, invalidOption } from "../../errors.js";
import { createLogger } from "../../logger.js";
import { encodeModel } from "../../onnx/model-writer.js";
import { chooseExecution, OnnxSession, type RuntimeOptions } from "../../onnx/session.js";
import { ClipTokenizer } from "../../text/clip-tokenizer.js";
import type { PreparedImage, PrepareSpec } from "../../vision/prepare.js";
import { GRAPH_FORMAT_VERSION } from "../clip/graph-cache.js";
import type { Localization, Localizer, LocalizerInfo } from "../localizer.js";
import { QueryCache } from "../owlvit/query-cache.js";
import { fileSha256 } from "../weights/file-identity.js";
import { tensorSourceWeightReader } from "../weights/tensor-source.js";
import { openRegionClipWeights, type RegionClipWeightFiles, type RegionClipWeights } from "./checkpoint.js";
import { embedConcept, queryClasses, type RegionClipVocabulary } from "./class-embeddings.js";
import { readClipResNetTopology } from "./clip-resnet-topology.js";
import { VocabularyMatcher } from "./concept-text.js";
import { buildCosineModel, runCosines } from "./cosine-graph.js";
import { generateProposals } from "./generate-proposals.js";
import {
  gritLocalization,
  type QueryClass,
  queryClassDetections,
  type RegionEvidence,
  referenceLocalization,
} from "./grit-rule.js";
import {
  type RegionClipOptions,
  type ResolvedRegionClipOptions,
  resolveRegionClipOptions,
} from "./options.js";
import { preprocessRegionClip } from "./preprocess.js";
import { QueryEmbeddingStore } from "./query-embedding-store.js";
import { RecognitionBranch } from "./recognition-branch.js";
import { unitRows } from "./region-scores.js";
import { openRegionClipRpn } from "./rpn-session.js";
import { RegionClipTextEncoder } from "./text-encoder.js";
import { loadRegionClipVocabulary } from "./vocabulary.js";

/** The files of one RegionCLIP model (what `fetchModelFiles("regionclip-rn50")` returns by role). */
export interface RegionClipFiles extends RegionClipWeightFiles {
  /** The vocabulary, one raw LVIS-style name per line. @default the 1203 LVIS v1 names */
  readonly classNames?: string;
  /** CLIP's BPE merges file `bpe_simple_vocab_16e6.txt.gz`. */
  readonly vocab: string;
}

/** How the localizer is described in run metadata. */
export interface RegionClipIdentity {
  /** e.g. "regionclip-rn50". @default "regionclip" */
  readonly model?: string;
  /** True for random weights (scores mean nothing). @default false */
  readonly isSmoke?: boolean;
}

const log = createLogger("models");

/** Query embeddings kept per localizer (D floats each: 4 kB for RN50). */
const QUERY_CACHE_SIZE = 4096;

/** One RegionCLIP model with its five sessions. Create with {@link createRegionClipLocalizer}. */
export class RegionClipLocalizer implements Localizer {
  readonly info: LocalizerInfo;
  /** No size: the localizer gets the decoded source and resizes it as RegionCLIP does. */
  readonly prepareSpec: PrepareSpec = Object.freeze({});
  readonly options: ResolvedRegionClipOptions;
  readonly vocabulary: RegionClipVocabulary;
  readonly #rpn: OnnxSession;
  readonly #recognition: RecognitionBranch;
  readonly #text: RegionClipTextEncoder;
  readonly #cosines: OnnxSession;
  readonly #tokenizer: ClipTokenizer;
  readonly #matcher: VocabularyMatcher;
  readonly #unitVocabulary: Float32Array;
  readonly #queries = new QueryCache(QUERY_CACHE_SIZE);
  readonly #storedQueries: QueryEmbeddingStore;
  #disposed = false;

  /** @internal Use {@link createRegionClipLocalizer}. */
  constructor(parts: {
    info: LocalizerInfo;
    options: ResolvedRegionClipOptions;
    vocabulary: RegionClipVocabulary;
    rpn: OnnxSession;
    recognition: RecognitionBranch;
    text: RegionClipTextEncoder;
    cosines: OnnxSession;
    tokenizer: ClipTokenizer;
    storedQueries: QueryEmbeddingStore;
  }) {
    this.info = parts.info;
    this.options = parts.options;
    this.vocabulary = parts.vocabulary;
    this.#rpn = parts.rpn;
    this.#recognition = parts.recognition;
    this.#text = parts.text;
    this.#cosines = parts.cosines;
    this.#tokenizer = parts.tokenizer;
    this.#storedQueries = parts.storedQueries;
    this.#matcher = new VocabularyMatcher(parts.tokenizer, parts.vocabulary.names);
    const { data, dim } = parts.vocabulary.embeddings;
    this.#unitVocabulary = unitRows(data, dim);
  }

  #checkAlive(): void {
    if (this.#disposed) {
      throw new GritlocError(
        "E_INVALID_OPTION",
        "This RegionClipLocalizer was disposed; create a new one with createRegionClipLocalizer.",
      );
    }
  }

  /**
   * The per-image work every query shares: resize, proposals, region features, cosines to the vocabulary.
   * @throws GritlocError E_INVALID_OPTION when `image.resized` is not the source (use this prepareSpec).
   */
  async encodeImage(image: PreparedImage): Promise<RegionEvidence> {
    this.#checkAlive();
    const { resized: source, sourceSize } = image;
    if (source.width !== sourceSize.width || source.height !== sourceSize.height)
      throw invalidOption(
        "image.resized",
        `the decoded ${sourceSize.width}×${sourceSize.height} source (use this localizer's prepareSpec)`,
        `${source.width}×${source.height}`,
      );
    const input = preprocessRegionClip(source);
    const proposals = await generateProposals(this.#rpn, input, {
      preNmsTopK: this.options.rpnPreNmsTopK,
      postNmsTopK: this.options.proposals,
      nmsThreshold: this.options.rpnNmsIouThreshold,
    });
    const res4 = await this.#recognition.res4(input.resized);
    const features = await this.#recognition.regionFeatures(res4, proposals.boxes);
    const dim = this.#recognition.topology.embedDim;
    const unitFeatures = unitRows(features, dim);
    return {
      dim,
      unitFeatures,
      proposals: proposals.boxes,
      objectnessLogits: proposals.objectnessLogits,
      resizedSize: { width: input.resized.width, height: input.resized.height },
      originalSize: input.originalSize,
      vocabularyCosines: await runCosines(this.#cosines, unitFeatures, this.#unitVocabulary, dim),
      vocabularySize: this.vocabulary.embeddings.count,
    };
  }

  /**
   * The query's class: a vocabulary index, or its text embedding (81 prompts; kept per prepared text in memory
   * and in the cache folder).
   */
  async queryClass(query: string): Promise<QueryClass> {
    this.#checkAlive();
    const classes = await queryClasses(this.vocabulary, this.#matcher, query, async (prepared) => {
      const hit = this.#queries.get(prepared);
      if (hit !== undefined) return hit;
      let row = await this.#storedQueries.read(prepared, this.vocabulary.embeddings.dim);
      if (row === undefined)
        row = await this.#storedQueries.keep(
          prepared,
          await embedConcept(this.#text, this.#tokenizer, prepared),
        );
      this.#queries.set(prepared, row);
      return row;
    });
    if (classes.inVocabulary) return { vocabularyIndex: classes.classIndex };
    const { data, dim, count } = classes.embeddings;
    return { embedding: data.subarray((count - 1) * dim, count * dim) };
  }

  /** One query on an encoded image, in the configured output mode. */
  async localizeEncoded(evidence: RegionEvidence, query: string): Promise<Localization> {
    const { detections, classIndex } = queryClassDetections(
      evidence,
      await this.queryClass(query),
      this.options,
    );
    const reference = referenceLocalization(detections, classIndex);
    return this.options.mode === "reference" ? reference : gritLocalization(reference, this.options);
  }

  async localize(image: PreparedImage, queries: readonly string[]): Promise<Localization[]> {
    this.#checkAlive();
    if (!Array.isArray(queries) || !queries.every((q) => typeof q === "string"))
      throw invalidOption("queries", "an array of strings", queries);
    if (queries.length === 0) return [];
    const evidence = await this.encodeImage(image);
    const out: Localization[] = [];
    for (const query of queries) out.push(await this.localizeEncoded(evidence, query));
    return out;
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await Promise.all([
      this.#rpn.dispose(),
      this.#recognition.dispose(),
      this.#text.dispose(),
      this.#cosines.dispose(),
    ]);
  }
}

function hashOf(description: unknown): string {
  return createHash("sha256").update(JSON.stringify(description)).digest("hex");
}

function parameterCount(weights: RegionClipWeights): number {
  let total = 0;
  for (const { shape } of weights.entries.values()) total += shape.reduce((a, d) => a * d, 1);
  return total;
}

/**
 * Opens the RegionCLIP files, builds (or reuses from the graph cache) the RPN, backbone, RoI-head and text
 * graphs, and returns a localizer. The class embeddings come from `files.classEmbeddings`, else they are
 * computed from the class names (once; cached under the cache folder). `info.optionsHash` covers every file,
 * the vocabulary and every option.
 *
 * @throws GritlocError E_INVALID_OPTION (bad option), E_NOT_FOUND (missing file), E_WEIGHTS_INVALID (not a
 *   RegionCLIP checkpoint, embeddings that do not fit), E_DATA_INVALID (empty class-names file),
 *   E_PROVIDER_UNAVAILABLE.
 * @example
 * const files = (await fetchModelFiles("regionclip-rn50")).files;
 * const model = await createRegionClipLocalizer(files as RegionClipFiles, { mode: "grit" });
 * const [loc] = await model.localize(await prepareImage("photo.jpg", model.prepareSpec), ["mug"]);
 */
export async function createRegionClipLocalizer(
  files: RegionClipFiles,
  options: RegionClipOptions = {},
  runtime: RuntimeOptions = {},
  identity: RegionClipIdentity = {},
): Promise<RegionClipLocalizer> {
  const resolved = resolveRegionClipOptions(options);
  if (typeof files !== "object" || files === null)
    throw invalidOption("files", "{ weights, vocab, rpnWeights?, classEmbeddings?, classNames? }", files);
  const tokenizer = await ClipTokenizer.fromFile(files.vocab);
  const weights = await openRegionClipWeights(files);
  const opened: { dispose(): Promise<void> }[] = [];
  try {
    const choice = await chooseExecution(runtime);
    const cacheDir = runtime.cacheDir ?? defaultCacheDir();
    const sha = await fileSha256(files.weights);
    const rpnSha = files.rpnWeights === undefined ? sha : await fileSha256(files.rpnWeights);
    const reader = tensorSourceWeightReader(weights);
    const rpn = await openRegionClipRpn(reader, rpnSha, choice, cacheDir);
    opened.push(rpn);
    const topology = readClipResNetTopology(reader);
    const recognition = await RecognitionBranch.open(
      { weights: reader, topology, weightsId: sha },
      choice,
      cacheDir,
      resolved.roiChunkSize,
    );
    opened.push(recognition);
    const textHeads = resolved.textHeads ?? undefined;
    const text = await RegionClipTextEncoder.load(weights, choice, cacheDir, {
      heads: textHeads,
      identity: sha,
    });
    opened.push(text);
    const cosines = await OnnxSession.create(encodeModel(buildCosineModel(topology.embedDim)), {
      provider: choice.provider,
      threads: choice.threads,
    });
    opened.push(cosines);
    const textIdentity = `${sha}:heads=${text.config.heads}`;
    const vocabSha = await fileSha256(files.vocab);
    const vocabulary = await loadRegionClipVocabulary({
      weights,
      ...(files.classNames === undefined ? {} : { classNames: files.classNames }),
      tokenizer,
      encoder: async () => text,
      cacheDir,
      identity: textIdentity,
      onProgress: (done, total) => {
        if (done % 100 === 0 || done === total) log.info(`class embeddings computed: ${done}/${total}`);
      },
    });
    if (vocabulary.embeddings.dim !== topology.embedDim)
      throw new GritlocError(
        "E_WEIGHTS_INVALID",
        `${files.classEmbeddings ?? files.weights}: class embeddings are ${vocabulary.embeddings.dim} wide, the ` +
          `region features ${topology.embedDim}; use embeddings made for this model`,
      );
    const optionsHash = hashOf({
      family: "regionclip",
      graphFormat: GRAPH_FORMAT_VERSION,
      weights: sha,
      rpnWeights: rpnSha,
      classEmbeddings: files.classEmbeddings === undefined ? null : await fileSha256(files.classEmbeddings),
      classNames: vocabulary.names,
      vocab: vocabSha,
      options: resolved,
    });
    return new RegionClipLocalizer({
      info: Object.freeze({
        family: "regionclip",
        model: identity.model ?? "regionclip",
        optionsHash,
        paramsInMillions: parameterCount(weights) / 1e6,
        provider: choice.provider,
        isSmoke: identity.isSmoke ?? false,
      }),
      options: resolved,
      vocabulary,
      rpn,
      recognition,
      text,
      cosines,
      tokenizer,
      storedQueries: new QueryEmbeddingStore(cacheDir, `${textIdentity}:vocab=${vocabSha}`),
    });
  } catch (error) {
    await Promise.all(opened.map((s) => s.dispose()));
    throw error;
  } finally {
    // Graphs are built (or cached) and the embeddings read by now, so the checkpoint files are no longer read.
    weights.close();
  }
}
