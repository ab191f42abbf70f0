/**
 * The state of one ground-truth build that each source's resolver fills: records by sample index, the
 * unresolved samples with their reason, and the counts per source and id layout.
 */
import type { SetupContext } from "../data/setup-context.js";
import type { GritSample } from "../grit/samples.js";
import type { Size } from "../vision/image.js";
import { type GroundTruthRecord, groundTruthRecord } from "./ground-truth-record.js";
import { emptyCounts, type LayoutCounts, type UnresolvedSample } from "./gt-report.js";
import { type GtRules, hasNewConcept } from "./gt-rules.js";
import type { GtSource, SampleIdLayout } from "./sample-id-layout.js";

/** Per-run state the sources fill: resolved records by sample index, unresolved samples, counts. */
export interface GtBuildState {
  readonly rules: GtRules;
  readonly ctx: SetupContext;
  readonly records: Map<number, GroundTruthRecord>;
  readonly unresolved: UnresolvedSample[];
  readonly counts: Partial<Record<GtSource, Partial<Record<SampleIdLayout, LayoutCounts>>>>;
}

/** One sample to resolve and its position in the samples file (records keep that order). */
export interface GtBuildItem {
  readonly index: number;
  readonly sample: GritSample;
}

/** The counts of (source, layout), created at zero on first use. */
export function countsOf(build: GtBuildState, source: GtSource, layout: SampleIdLayout): LayoutCounts {
  const bySource = build.counts[source] ?? {};
  build.counts[source] = bySource;
  const c = bySource[layout] ?? emptyCounts();
  bySource[layout] = c;
  return c;
}

/** A sample that gets no record: counted under its reason and listed. */
export function leaveOut(
  build: GtBuildState,
  c: LayoutCounts,
  item: GtBuildItem,
  source: GtSource,
  layout: SampleIdLayout,
  reason: UnresolvedSample["reason"],
  detail: string,
): void {
  if (reason === "unknown-query") c.unresolvedQueries++;
  else if (reason === "missing-image") c.missingImages++;
  else c.unverifiedEmpty++;
  build.unresolved.push({ exampleId: item.sample.exampleId, source, layout, reason, detail });
}

/** A resolved sample: its record (a newSrc sample; the concept lemma is the query) and its counts. */
export function addRecord(
  build: GtBuildState,
  c: LayoutCounts,
  item: GtBuildItem,
  dataSource: string,
  size: Size,
  bboxes: GroundTruthRecord["output"]["bboxes"],
) {
  c.records++;
  if (bboxes.length === 0) c.empty++;
  const lemma = item.sample.taskQuery;
  build.records.set(
    item.index,
    groundTruthRecord({
      sample: item.sample,
      bboxes,
      dataSource,
      imageSize: size,
      isNewSource: true,
      hasNewConcept: hasNewConcept(lemma, build.rules.newConcept),
      lemma,
    }),
  );
}
