/**
 * gt-report.json: what a ground-truth rebuild did, per source and per sample-id layout (samples, records,
 * empty ground truths, unresolved queries, missing images), the rules it used, the annotation files it read,
 * and every sample that got no record with the reason; plus the summary `gritloc gt build` prints.
 */
import type { ReportDownload } from "../data/setup-report.js";
import type { GtRules } from "./gt-rules.js";
import { type GtSource, layoutsOf, type SampleIdLayout } from "./sample-id-layout.js";

/** Counts for one (source, id layout). `samples` = records + unresolved of all three kinds. */
export interface LayoutCounts {
  samples: number;
  /** Samples written to the ground-truth file. */
  records: number;
  /** Records with `bboxes: []` (the category is absent). */
  empty: number;
  /** Open Images: empty records whose class the human image labels mark absent (Confidence 0). */
  emptyVerifiedAbsent: number;
  /** Open Images: records with boxes although the human image labels mark the class absent. */
  boxesButVerifiedAbsent: number;
  /** Open Images image-mid layout: the query names another class than the MID in the id. */
  midMismatches: number;
  /** No record: the query names no class (or the id's MID is unknown). */
  unresolvedQueries: number;
  /** No record: the image is not under images/ (run setup) or not in the .mat. */
  missingImages: number;
  /** No record: no box and not verified absent, under openImagesNegatives "verified-absent". */
  unverifiedEmpty: number;
}

export type UnresolvedReason = "unknown-query" | "missing-image" | "unverified-empty";

/** A sample that got no record. */
export interface UnresolvedSample {
  readonly exampleId: string;
  readonly source: GtSource;
  readonly layout: SampleIdLayout;
  readonly reason: UnresolvedReason;
  readonly detail: string;
}

export interface GtReport {
  readonly schemaVersion: 1;
  /** What the ground truth beside this report is: `gritloc score` labels its numbers by it. */
  readonly kind: "rebuilt";
  readonly generator: "gritloc gt build";
  /** Always true: rebuilt from public annotations with guessed rules, never GRIT's hidden ground truth. */
  readonly unofficial: true;
  readonly createdAt: string;
  readonly subset: string;
  readonly samplesFile: string;
  readonly groundTruthFile: string;
  /** The rules used (all of them, defaults included). */
  readonly rules: GtRules;
  /** Sources rebuilt in this run. */
  readonly sources: readonly GtSource[];
  /** Annotation files read, with measured size/sha256/md5. */
  readonly inputs: readonly ReportDownload[];
  readonly totals: {
    /** Every sample of the samples file. */
    readonly samples: number;
    readonly records: number;
    readonly empty: number;
    readonly unresolved: number;
    /** Samples of sources that cannot be (or were not asked to be) rebuilt, e.g. COCO. */
    readonly notRebuilt: number;
  };
  /** Per rebuilt source and id layout. */
  readonly counts: Readonly<
    Partial<Record<GtSource, Readonly<Partial<Record<SampleIdLayout, LayoutCounts>>>>>
  >;
  /** Samples left out by source: "coco", "distorted", "unknown", or a rebuildable source not selected. */
  readonly notRebuilt: Readonly<Record<string, number>>;
  /**
   * The longest side of the Open Images images read, and how many exceed 1024 px (GRIT used the ≤ 1024 px
   * versions, so such images give other boxes and image_size than GRIT's); null without Open Images samples.
   */
  readonly openImagesSizes: { readonly largestSide: number | null; readonly over1024: number } | null;
  /** Every sample of a rebuilt source that got no record. */
  readonly unresolved: readonly UnresolvedSample[];
}

/** Zeroed counts. */
export function emptyCounts(): LayoutCounts {
  return {
    samples: 0,
    records: 0,
    empty: 0,
    emptyVerifiedAbsent: 0,
    boxesButVerifiedAbsent: 0,
    midMismatches: 0,
    unresolvedQueries: 0,
    missingImages: 0,
    unverifiedEmpty: 0,
  };
}

function pct(part: number, whole: number): string {
  return whole === 0 ? "" : `(${((100 * part) / whole).toFixed(1)}%)`;
}

/** Widths of the summary's columns: source and layout left-aligned, the counts right-aligned. */
const COLUMNS = [13, 12, 8, 8, 8, 9, 17, 15, 15, 18];

/**
 * The printed summary: one line per (source, layout), then the totals and what was not rebuilt.
 * @example
 * console.log(formatGtReport(build.report));
 */
export function formatGtReport(report: GtReport): string {
  const row = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i < 2 ? cell.padEnd(COLUMNS[i] as number) : cell.padStart(COLUMNS[i] as number)))
      .join("");
  const lines = [
    `Rebuilt ground truth (UNOFFICIAL) for ${report.subset}: ${report.groundTruthFile}`,
    row([
      "source",
      "id layout",
      "samples",
      "records",
      "empty",
      "",
      "verified absent",
      "unknown query",
      "missing image",
      "unverified empty",
    ]),
  ];
  for (const source of report.sources) {
    for (const layout of layoutsOf(source)) {
      const c = report.counts[source]?.[layout];
      if (c === undefined || c.samples === 0) continue;
      const numbers = [c.samples, c.records, c.empty].map(String);
      const rest = [c.emptyVerifiedAbsent, c.unresolvedQueries, c.missingImages, c.unverifiedEmpty].map(
        String,
      );
      lines.push(row([source, layout, ...numbers, pct(c.empty, c.records), ...rest]));
    }
  }
  const t = report.totals;
  lines.push(
    `${t.records} of ${t.samples} samples have ground truth (${t.empty} empty); ${t.unresolved} unresolved ` +
      "(listed in gt-report.json); " +
      (t.notRebuilt === 0
        ? "every sample's source was rebuilt."
        : `${t.notRebuilt} not rebuilt: ${Object.entries(report.notRebuilt)
            .map(([s, n]) => `${s} ${n}`)
            .join(", ")}.`),
  );
  const mismatches = Object.values(report.counts)
    .flatMap((byLayout) => Object.values(byLayout ?? {}))
    .reduce((sum, c) => sum + (c?.midMismatches ?? 0), 0);
  const over = report.openImagesSizes?.over1024 ?? 0;
  if (over > 0) {
    lines.push(
      `WARNING: ${over} Open Images images are larger than 1024 px (largest side ${report.openImagesSizes?.largestSide}); ` +
        "GRIT used the ≤ 1024 px versions, so their boxes differ from GRIT's. Fetch them with gritloc setup.",
    );
  }
  if (mismatches > 0)
    lines.push(`${mismatches} image-mid samples name another class in the query than in the id.`);
  return `${lines.join("\n")}\n`;
}
