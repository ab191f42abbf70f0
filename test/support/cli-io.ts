/**
 * A CliIo for tests: records what a command writes to stdout and stderr, chunk by chunk, so tests can call
 * `main([...], io)` or a command's `run` and match on the text.
 */
import type { CliIo } from "../../src/cli/command.js";

export interface CapturedIo extends CliIo {
  /** stdout chunks in order; `out.join("")` is the whole text. */
  readonly out: string[];
  /** stderr chunks in order. */
  readonly err: string[];
}

/**
 * @example
 * const io = captureIo();
 * assert.equal(await main(["score", "--help"], io), 0);
 * assert.match(io.out.join(""), /Usage: gritloc score/);
 */
export function captureIo({ isTty = false } = {}): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), isTty };
}
