/**
 * RegionCLIP's class embeddings (the classifier's `cls_score.weight` [K, D]): the released
 * `lvis_1203_cls_emb*.pth`, or computed with the text tower by `extract_concept_features.py`'s recipe (per
 * concept: the 81 prompts through `encode_text`, then their mean, not normalised). Also the vocabulary the
 * rows name, and the GRIT single-query rule's class set: the vocabulary's own row when the query matches a
 * name, else the vocabulary plus the query's embedding as class K.
 */
import { readFileSync } from "node:fs";
import { GritlocError } from "../../errors.js";
import type { ClipTokenizer } from "../../text/clip-tokenizer.js";
import { readTorchTensor } from "../weights/torch-checkpoint.js";
import {
  prepareLvisName,
  prepareQuery,
  regionClipPromptIds,
  type VocabularyMatcher,
} from "./concept-text.js";
import { LVIS_V1_NAMES } from "./lvis-v1-names.js";
import { REGIONCLIP_PROMPT_TEMPLATES } from "./prompt-templates.js";

/** What embeds prompt rows: the {@link RegionClipTextEncoder} (or a test double). */
export interface PromptEmbedder {
  /** `count` rows of int32 ids [count, 77] → [count, D]. */
  embed(ids: Int32Array, count: number): Promise<Float32Array>;
}

/** Class embeddings: K rows of width D, row-major. */
export interface ClassEmbeddings {
  readonly count: number;
  readonly dim: number;
  readonly data: Float32Array;
}

/**
 * One concept's embedding: `encode_text` of its 81 prompt rows, averaged (not normalised).
 * @param name - the prepared name (an LVIS name after `prepareLvisName`, or a query after `prepareQuery`).
 */
export async function embedConcept(
  encoder: PromptEmbedder,
  tokenizer: ClipTokenizer,
  name: string,
): Promise<Float32Array> {
  const rows = REGIONCLIP_PROMPT_TEMPLATES.length;
  const perTemplate = await encoder.embed(regionClipPromptIds(tokenizer, name), rows);
  const dim = perTemplate.length / rows;
  const sum = new Float64Array(dim);
  for (let r = 0; r < rows; r++) for (let d = 0; d < dim; d++) sum[d] += perTemplate[r * dim + d];
  return Float32Array.from(sum, (s) => s / rows);
}

/** Embeddings of prepared names, one row each ([K, D]); `onProgress` is told after each concept. */
export async function embedConcepts(
  encoder: PromptEmbedder,
  tokenizer: ClipTokenizer,
  names: readonly string[],
  onProgress?: (done: number, total: number) => void,
): Promise<ClassEmbeddings> {
  let data = new Float32Array(0);
  let dim = 0;
  for (const [i, name] of names.entries()) {
    const row = await embedConcept(encoder, tokenizer, name);
    if (i === 0) {
      dim = row.length;
      data = new Float32Array(names.length * dim);
    }
    data.set(row, i * dim);
    onProgress?.(i + 1, names.length);
  }
  return { count: names.length, dim, data };
}

/**
 * Reads a `torch.save`d [K, D] embedding file (`lvis_1203_cls_emb.pth`, `concept_embeds.pth`).
 * @throws GritlocError E_NOT_FOUND / E_WEIGHTS_INVALID naming the file (not one 2-D tensor, or not D wide).
 */
export async function readClassEmbeddings(path: string, expectedDim?: number): Promise<ClassEmbeddings> {
  const tensor = await readTorchTensor(path);
  const [count, dim] = tensor.shape;
  if (tensor.shape.length !== 2 || (expectedDim !== undefined && dim !== expectedDim))
    throw new GritlocError(
      "E_WEIGHTS_INVALID",
      `${path}: class embeddings have shape [${tensor.shape.join(", ")}], expected [K, ${expectedDim ?? "D"}]`,
    );
  return { count, dim, data: tensor.data };
}

/** RegionCLIP's default vocabulary: the 1203 LVIS v1 names, prepared (`_` → space, no parentheses). */
export function lvisVocabulary(): string[] {
  return LVIS_V1_NAMES.map(prepareLvisName);
}

/**
 * A class-names file: one raw LVIS-style name per line (stripped, then prepared like LVIS names); blank lines
 * are skipped.
 * @throws GritlocError E_NOT_FOUND when the file cannot be read, E_DATA_INVALID when it names nothing.
 */
export function readClassNamesFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new GritlocError(
      "E_NOT_FOUND",
      `Cannot read class names file ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const names = text
    .split(/\r?\n/)
    .map(prepareQuery)
    .filter((line) => line !== "")
    .map(prepareLvisName);
  if (names.length === 0)
    throw new GritlocError("E_DATA_INVALID", `${path}: no class names (expected one name per line)`);
  return names;
}

/** Vocabulary names with their embeddings (row i names class i). */
export interface RegionClipVocabulary {
  /** Prepared names. */
  readonly names: readonly string[];
  readonly embeddings: ClassEmbeddings;
}

/**
 * Pairs names with embeddings.
 * @param source - what the embeddings came from, for the error message.
 * @throws GritlocError E_WEIGHTS_INVALID when the counts differ.
 */
export function regionClipVocabulary(
  names: readonly string[],
  embeddings: ClassEmbeddings,
  source: string,
): RegionClipVocabulary {
  if (names.length !== embeddings.count)
    throw new GritlocError(
      "E_WEIGHTS_INVALID",
      `${source}: ${embeddings.count} class embeddings for ${names.length} class names; ` +
        "the names must be the embeddings' classes, in their order",
    );
  return { names, embeddings };
}

/** The classes one GRIT query is scored against. */
export interface QueryClasses {
  /** The query after `.strip()`. */
  readonly prepared: string;
  /** The query's class: its vocabulary index, or K when it was added. */
  readonly classIndex: number;
  /** Whether the query matched a vocabulary name (then no class was added). */
  readonly inVocabulary: boolean;
  /** The classifier rows: the vocabulary's K, or K + 1 with the query's embedding last. */
  readonly embeddings: ClassEmbeddings;
}

/**
 * The GRIT single-query rule's class set: the first vocabulary name whose cleaned BPE ids equal the query's
 * gives its class (classes unchanged); otherwise the query is embedded like a vocabulary name and added as
 * class K.
 * @example const classes = await queryClasses(vocabulary, matcher, "baking tray", (name) => embedConcept(encoder, tokenizer, name));
 */
export async function queryClasses(
  vocabulary: RegionClipVocabulary,
  matcher: VocabularyMatcher,
  query: string,
  embed: (prepared: string) => Promise<Float32Array>,
): Promise<QueryClasses> {
  const prepared = prepareQuery(query);
  const index = matcher.indexOf(prepared);
  const base = vocabulary.embeddings;
  if (index !== undefined) return { prepared, classIndex: index, inVocabulary: true, embeddings: base };
  const row = await embed(prepared);
  if (row.length !== base.dim)
    throw new GritlocError(
      "E_WEIGHTS_INVALID",
      `the query embedding has ${row.length} values but the class embeddings have ${base.dim}; ` +
        "use class embeddings made with this model's text encoder",
    );
  const data = new Float32Array((base.count + 1) * base.dim);
  data.set(base.data);
  data.set(row, base.count * base.dim);
  return {
    prepared,
    classIndex: base.count,
    inVocabulary: false,
    embeddings: { count: base.count + 1, dim: base.dim, data },
  };
}
