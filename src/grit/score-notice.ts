/**
 * The banner of unofficial scores: ground-truth kind (gt-report.json) + coverage → a label and one plain
 * sentence that says the numbers are unofficial, why, and what they cover; null for a full ground truth without
 * a report (scored with evaluate.py's rules and printed as before).
 */
import type { GritCoverage } from "./coverage.js";
import type { GroundTruthKind } from "./ground-truth-kind.js";
import { GRIT_PARTITIONS } from "./metric.js";

/** rebuilt/proxy come from gt-report.json; partial is a file without a report that lacks sources. */
export type ScoreNoticeKind = GroundTruthKind | "partial";

export interface ScoreNotice {
  readonly kind: ScoreNoticeKind;
  /** Always false: such numbers are never the leaderboard's. */
  readonly official: false;
  readonly text: string;
}

function coveredText(coverage: GritCoverage): string {
  if (coverage.full) return "";
  const covered: string[] = GRIT_PARTITIONS.filter((p) => coverage.partitions[p].covered);
  if (coverage.within !== null) covered.push(`sameCpt/newCpt within ${coverage.within}`);
  const lacking = coverage.sources.notCovered;
  return (
    ` It covers only ${covered.length > 0 ? covered.join(", ") : "no partition"}` +
    `${lacking.length > 0 ? ` (it has no ${lacking.join(" or ")} samples)` : ""}; agg, overall and the other ` +
    "partitions are not covered."
  );
}

/**
 * The banner for these scores, or null when there is nothing to say.
 *
 * @example
 * scoreNotice("rebuilt", coverage)?.text; // "UNOFFICIAL, REBUILT ground truth: ..."
 */
export function scoreNotice(kind: GroundTruthKind | null, coverage: GritCoverage): ScoreNotice | null {
  const covers = coveredText(coverage);
  switch (kind) {
    case "rebuilt":
      return {
        kind,
        official: false,
        text:
          "UNOFFICIAL, REBUILT ground truth: rebuilt from public annotations, not GRIT's hidden ground truth, " +
          `so these are not leaderboard numbers.${covers}`,
      };
    case "proxy":
      return {
        kind,
        official: false,
        text:
          "UNOFFICIAL, PROXY ground truth: a local benchmark from public data with public annotations " +
          `(proxy, not comparable to leaderboard numbers).${covers}`,
      };
    case null:
      if (coverage.full) return null;
      return {
        kind: "partial",
        official: false,
        text: `UNOFFICIAL, PARTIAL ground truth: the file lacks part of the set.${covers}`,
      };
  }
}
