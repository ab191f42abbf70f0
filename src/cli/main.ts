/**
 * `gritloc` dispatch: picks the subcommand from `src/cli/commands.ts`, prints log records to stderr and turns
 * errors into exit codes (1 for failures, 2 for usage errors). Separate from `src/cli.ts` so tests can call it.
 */

import { isGritlocError } from "../errors.js";
import { fileAccessError } from "../file-access-error.js";
import { type LogLevel, setLogHandler } from "../logger.js";
import type { CliIo } from "./command.js";
import { commands } from "./commands.js";
import { didYouMean } from "./did-you-mean.js";

const LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

function topLevelUsage(): string {
  const lines = ["Usage: gritloc <command> [flags]", "", "Commands:"];
  return lines.join("\n");
}

/**
 * A file-system error that a reader or writer let through (it carries `syscall` and `path`) → its coded
 * GritlocError naming that path; anything else unchanged. The library maps these where it knows the user's
 * path; this is the last resort, so no failure reaches the user as "internal error".
 */
function asFileAccessError(error: unknown): unknown {
  const { syscall, path } = (error ?? {}) as NodeJS.ErrnoException;
  if (typeof syscall !== "string" || typeof path !== "string") return error;
  const action =
    syscall === "open"
      ? "open"
      : ["read", "scandir", "stat", "lstat", "access"].includes(syscall)
        ? "read"
        : "write";
  return fileAccessError(error, { path, action });
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  const minLevel = LEVELS.indexOf((process.env.GRITLOC_LOG as LogLevel | undefined) ?? "info");
  setLogHandler((record) => {
    if (LEVELS.indexOf(record.level) >= Math.max(0, minLevel)) {
      const prefix = record.level === "info" ? "" : `${record.level}: `;
      io.stderr(`${prefix}${record.message}\n`);
    }
  });

  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const rows = await Promise.all(
      Object.entries(commands).map(
        async ([command, load]) => `  ${command.padEnd(12)}${(await load()).summary}`,
      ),
    );
    io.stdout(`${topLevelUsage()}\n${rows.join("\n")}\n\nRun 'gritloc <command> --help' for its flags.\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    const { createRequire } = await import("node:module");
    const pkg = createRequire(import.meta.url)("../../package.json") as { version: string };
    io.stdout(`${pkg.version}\n`);
    return 0;
  }
  const load = commands[name];
  if (load === undefined) {
    const hint = didYouMean(name, Object.keys(commands), (c) => `'gritloc ${c}'`);
    io.stderr(`error: unknown command '${name}'.${hint} Run 'gritloc --help' for the list.\n`);
    return 2;
  }
  const command = await load();
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (thrown) {
    const error = asFileAccessError(thrown);
    if (isGritlocError(error)) {
      io.stderr(`error [${error.code}]: ${error.message}\n`);
      return error.code === "E_INVALID_OPTION" ? 2 : 1;
    }
    throw error;
  }
}
