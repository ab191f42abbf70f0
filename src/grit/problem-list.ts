/**
 * Validation problem lists → one readable error message: a count, then the first problems, then "… and N more".
 * The full list always travels in the error's `details`.
 */

/** How many problems an error message lists before summarising the rest. */
export const MESSAGE_PROBLEM_LIMIT = 20;

/** "3 problems in samples.json:\n  - a\n  - b\n  … and 1 more" */
export function formatProblemList(
  heading: string,
  messages: readonly string[],
  limit = MESSAGE_PROBLEM_LIMIT,
): string {
  const shown = messages.slice(0, limit).map((m) => `  - ${m}`);
  const rest = messages.length - shown.length;
  const noun = messages.length === 1 ? "problem" : "problems";
  const lines = [`${messages.length} ${noun} ${heading}:`, ...shown];
  if (rest > 0) lines.push(`  … and ${rest} more`);
  return lines.join("\n");
}
