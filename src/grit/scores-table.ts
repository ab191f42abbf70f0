/**
 * Plain-text score table: `GritScores` (+ optional `GritCoverage`) → the headline rows (agg, sameSrc, newSrc,
 * newCpt = zero-shot, deldist = robustness) with intervals and counts, as `gritloc score` prints them;
 * partitions a partial ground truth does not cover say so.
 */
import type { GritCoverage, WithinSourcePartition } from "./coverage.js";
import type { GritPartition } from "./metric.js";
import { intervalLeavesRange } from "./score-range.js";
import type { GritScores, IntervalScore } from "./scores.js";

/** The headline partitions and how tables label them. */
export const HEADLINE_ROWS: readonly { readonly partition: GritPartition; readonly label: string }[] = [
  { partition: "agg", label: "agg" },
  { partition: "sameSrc", label: "sameSrc" },
  { partition: "newSrc", label: "newSrc" },
  { partition: "newCpt", label: "newCpt (zero-shot)" },
  { partition: "deldist", label: "deldist (robustness)" },
];

export interface ScoresTableOptions {
  /** Marks rows "not covered" and adds sameCpt/newCpt within the covered source (partial ground truth). */
  readonly coverage?: GritCoverage;
}

const NOT_COVERED: readonly string[] = ["–", "not covered", ""];

/** Marks an interval that reaches past the possible range; explained under the table. */
const OUT_OF_RANGE_MARK = "*";

function row(
  label: string,
  score: IntervalScore | null | undefined,
  covered = true,
  partition: string = label,
): string {
  const mark = score && intervalLeavesRange(partition, score.lower, score.upper) ? OUT_OF_RANGE_MARK : "";
  const cells = !covered
    ? NOT_COVERED
    : score
      ? [
          score.mean.toFixed(2),
          `[${score.lower.toFixed(2)}, ${score.upper.toFixed(2)}]${mark}`,
          score.cnt === null ? "–" : String(score.cnt),
        ]
      : ["–", "(fewer than 2 samples)", ""];
  return `  ${label.padEnd(24)}${cells[0].padStart(8)}  ${cells[1].padEnd(20)}${cells[2].padStart(7)}`.trimEnd();
}

/** Label of a within-source row: "newCpt@newSrc (0-shot)" (the zero-shot split within newSrc). */
function withinLabel(partition: WithinSourcePartition): string {
  return partition.startsWith("newCpt") ? `${partition} (0-shot)` : partition;
}

/**
 * The headline table (localization accuracy ×100 with 95% intervals and sample counts), the leaderboard's
 * overall score and params.
 *
 * @example
 * console.log(formatScoresTable(toGritScores(metrics)));
 */
export function formatScoresTable(
  scores: GritScores,
  title = "GRIT localization accuracy (acc ×100)",
  options: ScoresTableOptions = {},
): string {
  const { coverage } = options;
  const lines = [
    title,
    `  ${"partition".padEnd(24)}${"mean".padStart(8)}  ${"95% interval".padEnd(20)}${"n".padStart(7)}`,
  ];
  for (const { partition, label } of HEADLINE_ROWS) {
    lines.push(
      row(label, scores.loc.acc[partition], coverage?.partitions[partition].covered ?? true, partition),
    );
    if (partition === "newSrc" && coverage?.within != null) {
      for (const cpt of ["sameCpt", "newCpt"] as const) {
        const within: WithinSourcePartition = `${cpt}@${coverage.within}`;
        lines.push(row(withinLabel(within), scores.loc.acc[within], coverage.partitions[within]?.covered));
      }
    }
  }
  lines.push(row("overall (7-task avg)", scores.overall, coverage?.full ?? true));
  if (coverage?.within != null) {
    lines.push(
      `  X@${coverage.within}: partition X within ${coverage.within} only (the part this ground truth covers).`,
    );
  }
  if (lines.some((line) => line.includes(`]${OUT_OF_RANGE_MARK}`))) {
    lines.push(
      `  ${OUT_OF_RANGE_MARK} the 95% t-interval reaches past what the score can be (0–100; deldist −100–100), ` +
        "as it does over few samples: read it as the whole range there.",
    );
  }
  const groups = Object.keys(scores.groups).length;
  lines.push(
    `  params: ${scores.params === null ? "not given" : `${scores.params}M`}; concept groups with an agg score: ${groups}; ` +
      "overall counts the six other GRIT tasks as 0 (as the leaderboard does).",
  );
  return `${lines.join("\n")}\n`;
}
