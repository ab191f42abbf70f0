/**
 * Ground-truth records in the hidden layout that GRIT's evaluate.py reads: a public sample + boxes + meta →
 * `{input, output, meta}` with the keys in the order of the reference runs' samples.json
 * (test/fixtures/grit/runs/<run>/samples.json), and the file text (one record per line).
 */
import type { BoxXyxy } from "../grit/box.js";
import type { GritSample } from "../grit/samples.js";
import { wireSampleInput } from "../grit/serialize-samples.js";
import type { Size } from "../vision/image.js";

/** What a record is built from. */
export interface GroundTruthFields {
  /** The public sample (becomes `input` unchanged). */
  readonly sample: Pick<
    GritSample,
    "exampleId" | "imageId" | "taskName" | "taskQuery" | "taskBbox" | "outputOptions"
  >;
  /** Ground-truth boxes; [] when the category is absent from the image. */
  readonly bboxes: readonly BoxXyxy[];
  /** e.g. "open_images_loc", "nyuv2_loc" (the `src` of GRIT's published examples). */
  readonly dataSource: string;
  readonly imageSize: Size;
  readonly isNewSource: boolean;
  readonly hasNewConcept: boolean;
  /** The concept's lemma (evaluate.py reads only this), e.g. the query. */
  readonly lemma: string;
  /** @default false */
  readonly isDistorted?: boolean;
  /** @default null */
  readonly distortion?: string | null;
}

/** One record as written (snake_case wire format). */
export interface GroundTruthRecord {
  readonly input: {
    readonly example_id: string;
    readonly image_id: string;
    readonly task_name: string;
    readonly task_query: string;
    readonly task_bbox: BoxXyxy | null;
    readonly output_options: string | null;
  };
  readonly output: {
    readonly example_id: string;
    readonly words: null;
    readonly bboxes: readonly BoxXyxy[];
    readonly masks: null;
    readonly points: null;
    readonly out_image_name: null;
  };
  readonly meta: {
    readonly data_source: string;
    readonly image_size: readonly [number, number];
    readonly is_new_source: boolean;
    readonly has_new_concept: boolean;
    readonly is_distorted: boolean;
    readonly distortion: string | null;
    /** GRIT's own records carry {lemma, pos, text}; pos is not known for rebuilt samples (null). */
    readonly concepts: readonly { readonly lemma: string; readonly pos: null; readonly text: string }[];
  };
}

/**
 * Builds one record.
 * @example
 * groundTruthRecord({ sample, bboxes: [[414, 263, 484, 308]], dataSource: "nyuv2_loc",
 *   imageSize: { width: 640, height: 480 }, isNewSource: true, hasNewConcept: true, lemma: "baking dish" });
 */
export function groundTruthRecord(fields: GroundTruthFields): GroundTruthRecord {
  const s = fields.sample;
  return {
    input: wireSampleInput(s),
    output: {
      example_id: s.exampleId,
      words: null,
      bboxes: fields.bboxes.map((b) => [b[0], b[1], b[2], b[3]] as const),
      masks: null,
      points: null,
      out_image_name: null,
    },
    meta: {
      data_source: fields.dataSource,
      image_size: [fields.imageSize.width, fields.imageSize.height],
      is_new_source: fields.isNewSource,
      has_new_concept: fields.hasNewConcept,
      is_distorted: fields.isDistorted ?? false,
      distortion: fields.distortion ?? null,
      concepts: [{ lemma: fields.lemma, pos: null, text: s.taskQuery }],
    },
  };
}

/** The file text: a JSON list, one record per line (readable with `loadSamples` and by evaluate.py). */
export function serializeGroundTruth(records: readonly GroundTruthRecord[]): string {
  if (records.length === 0) return "[]\n";
  return `[\n${records.map((r) => JSON.stringify(r)).join(",\n")}\n]\n`;
}
