/**
 * The proxy's outputs: records + what was drawn and fetched → `samples/proxy/localization.json` (public
 * format), `ground-truth/proxy/localization.json` (hidden format) with `gt-report.json` beside it
 * (`kind: "proxy"`, read by `score`), and `proxy-report.json` (counts per source, partition and id layout,
 * the annotation files' sha256, the rules, the corruptions and the seed). The samples and ground-truth files
 * depend only on the records, so equal inputs and seed give equal bytes.
 */
import { join } from "node:path";
import { writeFileAtomic } from "../atomic-file.js";
import { samplesPath } from "../data/fetch-samples.js";
import type { ReportDownload } from "../data/setup-report.js";
import { GT_REPORT_NAME } from "../grit/ground-truth-kind.js";
import { serializeSamples } from "../grit/serialize-samples.js";
import { groundTruthDir } from "../gt/build-ground-truth.js";
import { serializeGroundTruth } from "../gt/ground-truth-record.js";
import type { GtRules } from "../gt/gt-rules.js";
import type { ProxyContext } from "./build-proxy.js";
import { CORRUPTIONS } from "./corruptions.js";
import type { DistortedTwin } from "./distorted-twins.js";
import type { AnnotationFile, ProxyAnnotationPaths } from "./proxy-annotations.js";
import type { ProxySampling } from "./proxy-options.js";
import type { ProxyRecords } from "./proxy-records.js";
import type { ProxySourceName } from "./proxy-source.js";

/** The subset name of the proxy's samples and ground-truth folders. */
export const PROXY_SUBSET = "proxy";

/** Where a proxy root keeps its files. */
export function proxyPaths(root: string) {
  return {
    samples: samplesPath(root, PROXY_SUBSET, "localization"),
    groundTruth: join(groundTruthDir(root, PROXY_SUBSET), "localization.json"),
    gtReport: join(groundTruthDir(root, PROXY_SUBSET), GT_REPORT_NAME),
    report: join(root, "proxy-report.json"),
    images: join(root, "images"),
  };
}

const LABEL =
  "GRIT-proxy: a local benchmark in GRIT's format built from public annotations (COCO val2017, Open Images v6 " +
  "validation, NYUv2 train) with gritloc's own corruptions. Unofficial: its numbers are not comparable in " +
  "absolute terms to GRIT leaderboard numbers.";

/** The proxy's own sampling and layout rules, in words (recorded in both reports). */
export const PROXY_RULES = {
  negatives:
    "verified absent only: Open Images classes with a human image label of Confidence 0 (and no box, hierarchy included), COCO categories without an instance on the image, NYUv2 names not in the image's label map",
  cocoBoxes: "[x, y, x+w, y+h] rounded and clipped to [0, W-1] x [0, H-1]; crowd annotations kept as one box",
  openImagesIds:
    "open_images_loc_validation_<imageid>_<MID> or _<query>_<imageid>, by a seeded draw in GRIT ablation's proportion (8,071 : 6,351); the layout carries no meaning",
  nyuv2Ids:
    "positives nyuv2_loc_train_<n>_<name>, negatives nyuv2_loc_train_<name>_<n> (as GRIT's layouts most likely split)",
  cocoIds: "coco_loc_val2017_<query>_<imageid>, distorted twins with the suffix _dist",
} as const;

export interface ProxyCounts {
  readonly total: number;
  readonly bySource: Readonly<
    Record<ProxySourceName, { samples: number; positives: number; negatives: number; distorted: number }>
  >;
  /** Samples in each of evaluate.py's partitions (sameSrc/newSrc/sameCpt/newCpt count undistorted samples). */
  readonly byPartition: Readonly<
    Record<"sameSrc" | "newSrc" | "sameCpt" | "newCpt" | "dist" | "undist", number>
  >;
  /** `<source> <layout>` → samples, e.g. "nyuv2 index-name" (distorted twins as "coco query-image_dist"). */
  readonly byLayout: Readonly<Record<string, number>>;
}

export interface ProxyReport {
  readonly schemaVersion: 1;
  readonly kind: "proxy";
  readonly label: string;
  readonly root: string;
  readonly samplesFile: string;
  readonly groundTruthFile: string;
  readonly size: ProxySampling["size"];
  readonly seed: number;
  readonly sampling: ProxySampling;
  /** The rebuilt ground truth's rules, as applied to Open Images and NYUv2. */
  readonly rules: GtRules;
  /** What only the proxy decides (negatives, COCO boxes, id layouts). */
  readonly proxyRules: typeof PROXY_RULES;
  readonly corruptions: typeof CORRUPTIONS;
  readonly annotations: readonly AnnotationFile[];
  readonly counts: ProxyCounts;
  /** Drawn per source before images were fetched (positives, negatives, samples short of the target). */
  readonly drawn: Readonly<
    Record<ProxySourceName, { positives: number; negatives: number; shortfall: number }>
  >;
  /** Why a source holds fewer samples than the size asks for. */
  readonly shortfalls: readonly string[];
  readonly twins: readonly { exampleId: string; imageId: string; kind: string; seed: number }[];
  /** Samples left out of both files because an image is missing or does not decode (rerun to complete). */
  readonly leftOut: readonly string[];
  readonly missing: readonly string[];
  readonly errors: readonly { readonly imageId: string; readonly code: string; readonly message: string }[];
  readonly downloads: readonly ReportDownload[];
  /** True when every drawn sample and twin is written. */
  readonly complete: boolean;
}

function countRecords(records: ProxyRecords["records"]): ProxyCounts {
  const bySource = Object.fromEntries(
    (["coco", "open_images", "nyuv2"] as const).map((s) => [
      s,
      { samples: 0, positives: 0, negatives: 0, distorted: 0 },
    ]),
  ) as Record<ProxySourceName, { samples: number; positives: number; negatives: number; distorted: number }>;
  const byPartition = { sameSrc: 0, newSrc: 0, sameCpt: 0, newCpt: 0, dist: 0, undist: 0 };
  const byLayout: Record<string, number> = {};
  const distortedOriginals = new Set(
    records
      .filter((r) => r.record.meta.is_distorted)
      .map((r) => r.sample.exampleId.slice(0, -"_dist".length)),
  );
  for (const r of records) {
    const meta = {
      isDistorted: r.record.meta.is_distorted,
      isNewSource: r.record.meta.is_new_source,
      hasNewConcept: r.record.meta.has_new_concept,
    };
    const counts = bySource[r.source];
    counts.samples++;
    const layout = meta.isDistorted ? `${r.layout}_dist` : r.layout;
    byLayout[`${r.source} ${layout}`] = (byLayout[`${r.source} ${layout}`] ?? 0) + 1;
    if (meta.isDistorted) {
      counts.distorted++;
      byPartition.dist++;
      continue;
    }
    if (r.negative) counts.negatives++;
    else counts.positives++;
    byPartition[meta.isNewSource ? "newSrc" : "sameSrc"]++;
    byPartition[meta.hasNewConcept ? "newCpt" : "sameCpt"]++;
    if (distortedOriginals.has(r.sample.exampleId)) byPartition.undist++;
  }
  return { total: records.length, bySource, byPartition, byLayout };
}

export interface ProxyOutputs {
  readonly ctx: ProxyContext;
  readonly sampling: ProxySampling;
  readonly rules: GtRules;
  readonly files: ProxyAnnotationPaths;
  readonly records: ProxyRecords;
  readonly drawn: {
    readonly twins: readonly DistortedTwin[];
    readonly shortfalls: readonly string[];
    readonly counts: ProxyReport["drawn"];
  };
  readonly missing: readonly string[];
  readonly errors: ProxyReport["errors"];
}

/** Writes the samples, the ground truth, gt-report.json and proxy-report.json; returns the report. */
export async function writeProxyOutputs(out: ProxyOutputs): Promise<ProxyReport> {
  const paths = proxyPaths(out.ctx.root);
  const samples = out.records.records.map((r) => r.sample);
  const counts = countRecords(out.records.records);
  const report: ProxyReport = {
    schemaVersion: 1,
    kind: "proxy",
    label: LABEL,
    root: out.ctx.root,
    samplesFile: paths.samples,
    groundTruthFile: paths.groundTruth,
    size: out.sampling.size,
    seed: out.sampling.seed,
    sampling: out.sampling,
    rules: out.rules,
    proxyRules: PROXY_RULES,
    corruptions: CORRUPTIONS,
    annotations: out.files.files,
    counts,
    drawn: out.drawn.counts,
    shortfalls: out.drawn.shortfalls,
    twins: out.drawn.twins.map((t) => ({
      exampleId: t.exampleId,
      imageId: t.imageId,
      kind: t.kind,
      seed: t.seed,
    })),
    leftOut: out.records.leftOut,
    missing: out.missing,
    errors: out.errors,
    downloads: out.ctx.downloads,
    complete: out.records.leftOut.length === 0,
  };
  await writeFileAtomic(paths.samples, serializeSamples(samples));
  await writeFileAtomic(paths.groundTruth, serializeGroundTruth(out.records.records.map((r) => r.record)));
  const gtReport = {
    schemaVersion: 1,
    kind: "proxy",
    label: LABEL,
    samples: samples.length,
    seed: report.seed,
    size: report.size,
    partitions: counts.byPartition,
    rules: report.rules,
    proxyRules: PROXY_RULES,
    report: "../../proxy-report.json",
  };
  await writeFileAtomic(paths.gtReport, `${JSON.stringify(gtReport, null, 2)}\n`);
  await writeFileAtomic(paths.report, `${JSON.stringify(report, null, 2)}\n`);
  return report;
}
