/**
 * The shape of one `gritloc` subcommand and the I/O it writes to (injected, so tests can capture it).
 */

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** True when stderr is a terminal (progress bars redraw in place). */
  readonly isTty: boolean;
}

export interface CliCommand {
  /** One line for `gritloc --help`. */
  readonly summary: string;
  /** Full usage text for `gritloc <command> --help`. */
  readonly usage: string;
  /** Runs the command; resolves to the process exit code. Throws GritlocError for user-facing failures. */
  run(argv: readonly string[], io: CliIo): Promise<number>;
}
