/**
 * GRIT samples: a samples JSON file → `GritSample[]`. Reads the public format (a list of
 * `{example_id, image_id, task_name, task_query, task_bbox, output_options}`) and the extended
 * `{input, output, meta}` format that the official `evaluate.py` reads (ground truth + partition metadata).
 */
import { GritlocError } from "../errors.js";
import type { Size } from "../vision/image.js";
import type { BoxXyxy } from "./box.js";
import { describeValue, isJsonObject, parseJsonText, readInputFile } from "./json-file.js";
import { formatProblemList } from "./problem-list.js";

/** One concept of a sample (`meta.concepts[]`); the lemma selects the concept groups. */
export interface GritConcept {
  readonly lemma: string;
  readonly synset: string | null;
}

/** Partition metadata of a sample (`meta`); `evaluate.py` reads the three flags and the lemmas. */
export interface GritSampleMeta {
  readonly dataSource: string | null;
  /** `image_size` ([W, H] in the file). */
  readonly imageSize: Size | null;
  readonly isNewSource: boolean;
  readonly hasNewConcept: boolean;
  readonly isDistorted: boolean;
  readonly distortion: string | null;
  readonly concepts: readonly GritConcept[];
}

/** One GRIT sample. `groundTruth` and `meta` exist only in the extended format. */
export interface GritSample {
  readonly exampleId: string;
  /** Image path relative to the GRIT `images/` folder. */
  readonly imageId: string;
  readonly taskName: string;
  /** The query, e.g. "baking dish". */
  readonly taskQuery: string;
  readonly taskBbox: BoxXyxy | null;
  readonly outputOptions: string | null;
  readonly groundTruth?: { readonly bboxes: readonly BoxXyxy[] };
  readonly meta?: GritSampleMeta;
}

/** One problem found while reading a samples file (all are collected before failing). */
export interface SampleProblem {
  readonly index: number;
  readonly exampleId: string | null;
  /** The JSON path inside the item, e.g. "input.task_query" or "output.bboxes[1]". */
  readonly field: string;
  /** The full readable line, naming file, index, example id and field. */
  readonly message: string;
}

class ItemReader {
  exampleId: string | null = null;

  constructor(
    private readonly fileName: string,
    private readonly index: number,
    private readonly problems: SampleProblem[],
  ) {}

  report(field: string, text: string): void {
    const id = this.exampleId === null ? "" : ` (example_id ${JSON.stringify(this.exampleId)})`;
    const message = `${this.fileName}[${this.index}]${id}: ${field}: ${text}`;
    this.problems.push({ index: this.index, exampleId: this.exampleId, field, message });
  }

  string(value: unknown, field: string): string {
    if (typeof value === "string" && value.length > 0) return value;
    this.report(field, `expected a non-empty string, got ${describeValue(value)}`);
    return "";
  }

  optionalString(value: unknown, field: string): string | null {
    if (value === undefined || value === null) return null;
    if (typeof value === "string") return value;
    this.report(field, `expected a string or null, got ${describeValue(value)}`);
    return null;
  }

  boolean(value: unknown, field: string): boolean {
    if (typeof value === "boolean") return value;
    this.report(field, `expected true or false, got ${describeValue(value)}`);
    return false;
  }

  box(value: unknown, field: string): BoxXyxy | null {
    if (!Array.isArray(value) || value.length !== 4) {
      this.report(field, `expected a box [x1, y1, x2, y2] of 4 finite numbers, got ${describeValue(value)}`);
      return null;
    }
    const bad = value.findIndex((v) => typeof v !== "number" || !Number.isFinite(v));
    if (bad >= 0) {
      this.report(
        field,
        `expected 4 finite numbers [x1, y1, x2, y2], but [${bad}] is ${describeValue(value[bad])}`,
      );
      return null;
    }
    return value as unknown as BoxXyxy;
  }

  optionalBox(value: unknown, field: string): BoxXyxy | null {
    return value === undefined || value === null ? null : this.box(value, field);
  }

  object(value: unknown, field: string): Record<string, unknown> | null {
    if (isJsonObject(value)) return value;
    this.report(field, `expected an object, got ${describeValue(value)}`);
    return null;
  }
}

function readImageSize(reader: ItemReader, value: unknown): Size | null {
  if (value === undefined || value === null) return null;
  if (
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((v) => typeof v === "number" && Number.isInteger(v) && v > 0)
  ) {
    return { width: value[0] as number, height: value[1] as number };
  }
  reader.report(
    "meta.image_size",
    `expected [width, height] (positive integers), got ${describeValue(value)}`,
  );
  return null;
}

function readConcepts(reader: ItemReader, value: unknown): GritConcept[] {
  if (!Array.isArray(value)) {
    reader.report("meta.concepts", `expected a list of {lemma, synset}, got ${describeValue(value)}`);
    return [];
  }
  const concepts: GritConcept[] = [];
  for (let i = 0; i < value.length; i++) {
    const concept = reader.object(value[i], `meta.concepts[${i}]`);
    if (concept === null) continue;
    concepts.push({
      lemma: reader.string(concept.lemma, `meta.concepts[${i}].lemma`),
      synset: reader.optionalString(concept.synset, `meta.concepts[${i}].synset`),
    });
  }
  return concepts;
}

function readMeta(reader: ItemReader, meta: Record<string, unknown>): GritSampleMeta {
  return {
    dataSource: reader.optionalString(meta.data_source, "meta.data_source"),
    imageSize: readImageSize(reader, meta.image_size),
    isNewSource: reader.boolean(meta.is_new_source, "meta.is_new_source"),
    hasNewConcept: reader.boolean(meta.has_new_concept, "meta.has_new_concept"),
    isDistorted: reader.boolean(meta.is_distorted, "meta.is_distorted"),
    distortion: reader.optionalString(meta.distortion, "meta.distortion"),
    concepts: readConcepts(reader, meta.concepts),
  };
}

function readGroundTruth(
  reader: ItemReader,
  output: Record<string, unknown>,
): { readonly bboxes: readonly BoxXyxy[] } {
  // evaluate.py looks predictions up by output.example_id and reports by input.example_id: they must agree.
  if (output.example_id !== undefined && output.example_id !== reader.exampleId) {
    reader.report(
      "output.example_id",
      `expected the same id as input.example_id, got ${describeValue(output.example_id)}`,
    );
  }
  if (!Array.isArray(output.bboxes)) {
    reader.report(
      "output.bboxes",
      `expected a list of boxes [x1, y1, x2, y2], got ${describeValue(output.bboxes)}`,
    );
    return { bboxes: [] };
  }
  const bboxes: BoxXyxy[] = [];
  for (let i = 0; i < output.bboxes.length; i++) {
    const parsed = reader.box(output.bboxes[i], `output.bboxes[${i}]`);
    if (parsed !== null) bboxes.push(parsed);
  }
  return { bboxes };
}

function readItem(reader: ItemReader, item: unknown): GritSample | null {
  const top = reader.object(item, "(sample)");
  if (top === null) return null;
  const extended = "input" in top;
  const input = extended ? reader.object(top.input, "input") : top;
  if (input === null) return null;
  const at = extended ? "input." : "";
  reader.exampleId =
    typeof input.example_id === "string" && input.example_id !== "" ? input.example_id : null;
  const sample: {
    -readonly [K in keyof GritSample]: GritSample[K];
  } = {
    exampleId: reader.string(input.example_id, `${at}example_id`),
    imageId: reader.string(input.image_id, `${at}image_id`),
    taskName: reader.string(input.task_name, `${at}task_name`),
    taskQuery: reader.string(input.task_query, `${at}task_query`),
    taskBbox: reader.optionalBox(input.task_bbox, `${at}task_bbox`),
    outputOptions: reader.optionalString(input.output_options, `${at}output_options`),
  };
  if (extended && top.output !== undefined && top.output !== null) {
    const output = reader.object(top.output, "output");
    if (output !== null) sample.groundTruth = readGroundTruth(reader, output);
  }
  if (extended && top.meta !== undefined && top.meta !== null) {
    const meta = reader.object(top.meta, "meta");
    if (meta !== null) sample.meta = readMeta(reader, meta);
  }
  return sample;
}

/**
 * Parses the JSON of a samples file (public or extended format, see the file header).
 * Collects every problem (each names file, index, example_id and field) before failing; duplicate example
 * ids are problems too.
 *
 * @throws GritlocError E_SAMPLES_INVALID with `details: SampleProblem[]`.
 * @example
 * const samples = parseSamples(JSON.parse(text), "localization.json");
 * samples[0].taskQuery; // "baking dish"
 */
export function parseSamples(json: unknown, fileName: string): GritSample[] {
  if (!Array.isArray(json)) {
    throw new GritlocError(
      "E_SAMPLES_INVALID",
      `${fileName}: expected a list of GRIT samples, got ${describeValue(json)}. ` +
        "Use samples/<subset>/localization.json from the GRIT data (gritloc setup).",
    );
  }
  const problems: SampleProblem[] = [];
  const samples: GritSample[] = [];
  const firstIndex = new Map<string, number>();
  for (let index = 0; index < json.length; index++) {
    const reader = new ItemReader(fileName, index, problems);
    const sample = readItem(reader, json[index]);
    if (sample === null || sample.exampleId === "") continue;
    const seen = firstIndex.get(sample.exampleId);
    if (seen !== undefined) reader.report("example_id", `duplicate id, first seen at index ${seen}`);
    else firstIndex.set(sample.exampleId, index);
    samples.push(sample);
  }
  if (problems.length > 0) {
    throw new GritlocError(
      "E_SAMPLES_INVALID",
      `${formatProblemList(
        `in ${fileName}`,
        problems.map((p) => p.message),
      )}\n` + "Fix the file, or use the samples as published by GRIT.",
      { details: problems },
    );
  }
  return samples;
}

/**
 * Loads a GRIT samples file (public or extended format).
 *
 * @throws GritlocError E_NOT_FOUND for a missing file, E_SAMPLES_INVALID for bad JSON or bad samples.
 * @example
 * const samples = await loadSamples("grit/samples/ablation/localization.json");
 */
export async function loadSamples(path: string): Promise<GritSample[]> {
  const text = (await readInputFile(path, "samples file")).toString("utf8");
  return parseSamples(parseJsonText(text, path, "E_SAMPLES_INVALID"), path);
}
