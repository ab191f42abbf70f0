/**
 * GRIT samples out: `GritSample[]` → the JSON text of a samples file, the inverse of `parseSamples`. Samples
 * with ground truth and meta are written in the extended `{input, output, meta}` format that `evaluate.py`
 * reads, others in the public format.
 */
import type { GritSample } from "./samples.js";

/** A sample's public fields as written: a public samples file's entry, and the `input` of a record with ground truth. */
export function wireSampleInput(
  s: Pick<GritSample, "exampleId" | "imageId" | "taskName" | "taskQuery" | "taskBbox" | "outputOptions">,
) {
  return {
    example_id: s.exampleId,
    image_id: s.imageId,
    task_name: s.taskName,
    task_query: s.taskQuery,
    task_bbox: s.taskBbox,
    output_options: s.outputOptions,
  };
}

function wireSample(s: GritSample) {
  if (s.groundTruth === undefined && s.meta === undefined) return wireSampleInput(s);
  const meta = s.meta;
  return {
    input: wireSampleInput(s),
    output:
      s.groundTruth === undefined
        ? null
        : {
            example_id: s.exampleId,
            bboxes: s.groundTruth.bboxes,
            words: null,
            masks: null,
            points: null,
            out_image_name: null,
          },
    meta:
      meta === undefined
        ? null
        : {
            data_source: meta.dataSource,
            image_size: meta.imageSize === null ? null : [meta.imageSize.width, meta.imageSize.height],
            is_new_source: meta.isNewSource,
            has_new_concept: meta.hasNewConcept,
            is_distorted: meta.isDistorted,
            distortion: meta.distortion,
            concepts: meta.concepts.map((c) => ({ lemma: c.lemma, synset: c.synset })),
          },
  };
}

/**
 * The samples file text (2-space indented, keys in a fixed order, so equal samples give equal bytes).
 * @example
 * await writeFile("samples/ablation/localization.json", serializeSamples(samples));
 */
export function serializeSamples(samples: readonly GritSample[]): string {
  return `${JSON.stringify(samples.map(wireSample), null, 2)}\n`;
}
