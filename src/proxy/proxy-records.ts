/**
 * Proxy samples → GRIT records: drawn samples + twins + ground truth → the public samples (what `infer`
 * reads) and the hidden-format records (`{input, output, meta}`, what `score` reads), in one fixed order:
 * COCO (twins included), then Open Images, then NYUv2, each sorted by example id. Samples without ground
 * truth (their image is missing) are left out of both and returned apart.
 */
import type { GritSample } from "../grit/samples.js";
import { type GroundTruthRecord, groundTruthRecord } from "../gt/ground-truth-record.js";
import { type GtRules, hasNewConcept } from "../gt/gt-rules.js";
import type { DistortedTwin } from "./distorted-twins.js";
import { compare } from "./draw-pairs.js";
import {
  PROXY_SOURCES,
  type ProxyPairSample,
  type ProxySource,
  type ProxySourceName,
  type ProxyTruth,
} from "./proxy-source.js";

/** One written sample, with what the report counts. */
export interface ProxyRecord {
  readonly source: ProxySourceName;
  readonly layout: string;
  readonly negative: boolean;
  /** The public sample (what `infer` reads). */
  readonly sample: GritSample;
  /** The record in the hidden layout (what `score` reads), built as the rebuilt ground truth's are. */
  readonly record: GroundTruthRecord;
}

export interface ProxyRecords {
  readonly records: readonly ProxyRecord[];
  /** Example ids left out because their image is missing or does not decode. */
  readonly leftOut: readonly string[];
}

export interface BuildProxyRecordsInput {
  readonly sources: readonly ProxySource[];
  readonly drawn: ReadonlyMap<ProxySourceName, readonly ProxyPairSample[]>;
  readonly twins: readonly DistortedTwin[];
  /** Ground truth by (undistorted) example id. */
  readonly truth: ReadonlyMap<string, ProxyTruth>;
  /** Image ids that are present and decode. */
  readonly present: ReadonlySet<string>;
  readonly rules: GtRules;
}

function record(
  source: ProxySource,
  s: ProxyPairSample,
  truth: ProxyTruth,
  rules: GtRules,
  twin?: DistortedTwin,
): ProxyRecord {
  const sample: GritSample = {
    exampleId: twin?.exampleId ?? s.exampleId,
    imageId: twin?.imageId ?? s.imageId,
    taskName: "localization",
    taskQuery: s.query,
    taskBbox: null,
    outputOptions: null,
  };
  return {
    source: source.name,
    layout: s.layout,
    negative: s.pair.negative,
    sample,
    record: groundTruthRecord({
      sample,
      bboxes: truth.bboxes,
      dataSource: source.dataSource,
      imageSize: truth.imageSize,
      isNewSource: source.name !== "coco",
      hasNewConcept: hasNewConcept(s.query, rules.newConcept),
      lemma: s.query,
      isDistorted: twin !== undefined,
      distortion: twin?.kind ?? null,
    }),
  };
}

/** Builds the records (see the file header). */
export function buildProxyRecords(input: BuildProxyRecordsInput): ProxyRecords {
  const records: ProxyRecord[] = [];
  const leftOut: string[] = [];
  const twinsOf = new Map(input.twins.map((t) => [t.original.exampleId, t]));
  for (const name of PROXY_SOURCES) {
    const source = input.sources.find((s) => s.name === name);
    if (source === undefined) continue;
    const part: ProxyRecord[] = [];
    for (const s of input.drawn.get(name) ?? []) {
      const truth = input.truth.get(s.exampleId);
      if (truth === undefined || !input.present.has(s.imageId)) leftOut.push(s.exampleId);
      else part.push(record(source, s, truth, input.rules));
      const twin = twinsOf.get(s.exampleId);
      if (twin === undefined) continue;
      // A twin's boxes are its original's; it needs both images.
      if (truth === undefined || !input.present.has(s.imageId) || !input.present.has(twin.imageId))
        leftOut.push(twin.exampleId);
      else part.push(record(source, s, truth, input.rules, twin));
    }
    records.push(...part.sort((a, b) => compare(a.sample.exampleId, b.sample.exampleId)));
  }
  return { records, leftOut: leftOut.sort(compare) };
}
