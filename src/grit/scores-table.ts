/**
 * Plain-text score table: `GritScores` → the headline rows (agg, sameSrc, newSrc, newCpt = zero-shot,
 * deldist = robustness) with intervals and counts, as `gritloc score` prints them.
 */
import type { GritPartition } from "./metric.js";
import type { GritScores, IntervalScore } from "./scores.js";

/** The headline partitions and how tables label them. */
export const HEADLINE_ROWS: readonly { readonly partition: GritPartition; readonly label: string }[] = [
  { partition: "agg", label: "agg" },
  { partition: "sameSrc", label: "sameSrc" },
  { partition: "newSrc", label: "newSrc" },
  { partition: "newCpt", label: "newCpt (zero-shot)" },
  { partition: "deldist", label: "deldist (robustness)" },
];

function row(label: string, score: IntervalScore | null | undefined): string {
  const cells = score
    ? [
        score.mean.toFixed(2),
        `[${score.lower.toFixed(2)}, ${score.upper.toFixed(2)}]`,
        score.cnt === null ? "–" : String(score.cnt),
      ]
    : ["–", "(fewer than 2 samples)", ""];
  return `  ${label.padEnd(24)}${cells[0].padStart(8)}  ${cells[1].padEnd(20)}${cells[2].padStart(7)}`;
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
): string {
  const lines = [
    title,
    `  ${"partition".padEnd(24)}${"mean".padStart(8)}  ${"95% interval".padEnd(20)}${"n".padStart(7)}`,
  ];
  for (const { partition, label } of HEADLINE_ROWS) lines.push(row(label, scores.loc.acc[partition]));
  lines.push(row("overall (7-task avg)", scores.overall));
  const groups = Object.keys(scores.groups).length;
  lines.push(
    `  params: ${scores.params === null ? "not given" : `${scores.params}M`}; concept groups with an agg score: ${groups}; ` +
      "overall counts the six other GRIT tasks as 0 (as the leaderboard does).",
  );
  return `${lines.join("\n")}\n`;
}
