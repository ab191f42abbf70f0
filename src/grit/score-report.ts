/**
 * What `gritloc score` prints: a `ScoredPredictionFiles` → plain text (notice, accuracy table, coverage, AP
 * table) or a JSON object (the official metrics; for unofficial or partial ground truth with every official
 * key, null where not covered, plus `groundTruth` and `coverage`; plus `ap` when computed).
 */

import type { GritCoverage } from "./coverage.js";
import type { ApPercent, CoveredApPartition, CoveredApReport } from "./covered-ap.js";
import { withNullsForUncovered } from "./covered-metrics.js";
import type { ScoredPredictionFiles } from "./score-files.js";
import { formatScoresTable } from "./scores-table.js";

/** AP rows in table order; within-source rows appear when the coverage has them. */
const AP_ROWS: readonly CoveredApPartition[] = [
  "sameSrc",
  "newSrc",
  "sameCpt@sameSrc",
  "newCpt@sameSrc",
  "sameCpt@newSrc",
  "newCpt@newSrc",
  "sameCpt",
  "newCpt",
  "dist",
  "undist",
];

function apLabel(partition: CoveredApPartition): string {
  if (partition === "newCpt") return "newCpt (zero-shot)";
  return partition.startsWith("newCpt@") ? `${partition} (0-shot)` : partition;
}

const fixed = (v: number | null) => (v === null ? "–" : v.toFixed(2));

function apRow(label: string, scores: ApPercent | null | undefined, reason: string | null): string {
  if (scores === null || scores === undefined) return `  ${label.padEnd(24)}${reason ?? "not covered"}`;
  const cells = [
    fixed(scores.ap),
    fixed(scores.ap50),
    fixed(scores.ap75),
    String(scores.numSamples),
    String(scores.numGtBoxes),
  ];
  return `  ${label.padEnd(24)}${cells.map((c, i) => c.padStart(i < 3 ? 8 : 9)).join("")}`;
}

/**
 * The AP table: percent, overall (full coverage only), agg, and each partition, with sample and box counts.
 *
 * @example
 * console.log(formatApTable(scored.ap!, scored.coverage));
 */
export function formatApTable(ap: CoveredApReport, coverage: GritCoverage): string {
  const lines = [
    "COCO-style AP (%): each box carries its sample's one confidence; IoU 0.50:0.95, 101-point interpolation",
    `  ${"partition".padEnd(24)}${["AP", "AP50", "AP75"].map((h) => h.padStart(8)).join("")}` +
      `${"samples".padStart(9)}${"gt boxes".padStart(9)}`,
    apRow("all samples", ap.overall, coverage.full ? null : "not covered (needs sameSrc and newSrc)"),
  ];
  const agg = ap.agg;
  lines.push(
    agg === null
      ? apRow(
          "agg (sameSrc+newSrc)/2",
          null,
          coverage.partitions.agg.covered ? "(no ground-truth box)" : null,
        )
      : `  ${"agg (sameSrc+newSrc)/2".padEnd(24)}${[agg.ap, agg.ap50, agg.ap75].map((v) => fixed(v).padStart(8)).join("")}`,
  );
  for (const partition of AP_ROWS) {
    const c = coverage.partitions[partition];
    if (c === undefined) continue;
    const reason = c.covered ? "(no ground-truth box)" : "not covered";
    lines.push(apRow(apLabel(partition), ap.partitions[partition], reason));
  }
  return `${lines.join("\n")}\n`;
}

/** One line naming the sources covered and not covered. */
function coverageLine(coverage: GritCoverage): string {
  const { covered, notCovered } = coverage.sources;
  return (
    `coverage: samples from ${covered.join(", ") || "no source"}` +
    `${notCovered.length > 0 ? `; not covered: ${notCovered.join(", ")}` : ""}\n`
  );
}

/**
 * The text `gritloc score` prints: the notice (when the numbers are unofficial), the accuracy table with
 * "not covered" rows, the coverage line, and the AP table when computed.
 *
 * @example
 * process.stdout.write(formatScoreReport(await scorePredictionFiles({ samplesPath, predictionsPath, ap: true })));
 */
export function formatScoreReport(scored: ScoredPredictionFiles, title?: string): string {
  const { notice, coverage } = scored;
  const heading =
    (title ?? `GRIT localization accuracy (acc ×100), ${scored.sampleCount} samples`) +
    (notice === null ? "" : ` (UNOFFICIAL: ${notice.kind} ground truth)`);
  const parts = [
    notice === null ? "" : `${notice.text}\n\n`,
    formatScoresTable(scored.scores, heading, { coverage }),
    notice === null ? "" : coverageLine(coverage),
    scored.ap === undefined ? "" : `\n${formatApTable(scored.ap, coverage)}`,
  ];
  return parts.join("");
}

/**
 * The JSON `gritloc score --json` prints. A full ground truth without a gt-report.json gives evaluate.py's
 * metrics object unchanged (plus `ap` when computed); otherwise every official key is present (null where
 * not covered or with fewer than 2 samples) next to `groundTruth` (kind, `official: false`, the notice) and
 * `coverage` (sources and partitions).
 */
export function scoreReportJson(scored: ScoredPredictionFiles): Record<string, unknown> {
  const { notice, coverage, ap } = scored;
  const out: Record<string, unknown> =
    notice === null
      ? { ...scored.metrics }
      : {
          ...withNullsForUncovered(scored.metrics, coverage),
          groundTruth: {
            kind: notice.kind,
            official: false,
            notice: notice.text,
            report: scored.groundTruth.reportPath,
          },
          coverage: {
            full: coverage.full,
            sources: coverage.sources,
            within: coverage.within,
            partitions: coverage.partitions,
          },
        };
  if (ap !== undefined) out.ap = { unit: "percent", ...ap };
  return out;
}
