/**
 * Usage text: `[flag, description]` rows → aligned help lines, so a flag several commands share is described
 * once (model-flags.ts, runtime-flags.ts) and laid out in each command's own column.
 */

/** One help line: the flag with its value name, and what it does. */
export type FlagRow = readonly [flag: string, description: string];

/**
 * Rows → lines `  <flag padded to width><description>`, joined with newlines.
 * @example
 * formatFlagRows([["--alpha A", "box-search area penalty"]], 12); // "  --alpha A   box-search area penalty"
 */
export function formatFlagRows(rows: readonly FlagRow[], width: number): string {
  return rows.map(([flag, description]) => `  ${flag.padEnd(width)}${description}`).join("\n");
}
