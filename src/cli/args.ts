/**
 * Flag parsing for subcommands on top of `node:util` parseArgs: unknown flags and missing values become
 * E_INVALID_OPTION errors that name the flag.
 */
import { parseArgs } from "node:util";
import { GritlocError, invalidOption } from "../errors.js";

export type FlagSpec = Record<
  string,
  { readonly type: "string" | "boolean"; readonly multiple?: boolean; readonly short?: string }
>;

type FlagValue<S extends FlagSpec[string]> = S["type"] extends "boolean"
  ? boolean | undefined
  : S["multiple"] extends true
    ? string[] | undefined
    : string | undefined;

export type ParsedFlags<S extends FlagSpec> = { [K in keyof S]: FlagValue<S[K]> };

export interface ParsedArgs<S extends FlagSpec> {
  readonly flags: ParsedFlags<S>;
  readonly positionals: string[];
  readonly help: boolean;
}

/** Parses argv against `spec` (plus `--help`); throws E_INVALID_OPTION naming the offending flag. */
export function parseCommandArgs<S extends FlagSpec>(argv: readonly string[], spec: S): ParsedArgs<S> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { ...spec, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
    const { help, ...flags } = values as Record<string, unknown>;
    return { flags: flags as ParsedFlags<S>, positionals, help: help === true };
  } catch (error) {
    throw new GritlocError("E_INVALID_OPTION", `${(error as Error).message}. Run with --help for usage.`, {
      cause: error,
    });
  }
}

/** Parses argv for a command that takes no positional arguments: its flags, or an error naming the extras. */
export function parseFlagsOnly<S extends FlagSpec>(argv: readonly string[], spec: S): ParsedFlags<S> {
  const { flags, positionals } = parseCommandArgs(argv, spec);
  if (positionals.length > 0)
    throw invalidOption("arguments", "flags only (see --help)", positionals.join(" "));
  return flags;
}

/** The value of a required string flag, or an error that names it. */
export function requireFlag(value: string | undefined, flag: string): string {
  if (value === undefined || value === "") throw invalidOption(`--${flag}`, "a value (required)", value);
  return value;
}

/** Parses an integer flag, or an error that names it. */
export function parseIntegerFlag(value: string, flag: string, { min = -Infinity } = {}): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) {
    throw invalidOption(`--${flag}`, min === -Infinity ? "an integer" : `an integer ≥ ${min}`, value);
  }
  return parsed;
}

/** Parses a number flag, or an error that names it. */
export function parseNumberFlag(value: string, flag: string): number {
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed))
    throw invalidOption(`--${flag}`, "a finite number", value);
  return parsed;
}

/**
 * `--option key=value` pairs → an options object; a value is read as JSON when it parses ("0.5", "[100,200]",
 * "true"), else kept as text. `example` is the pair the error for a missing "=" shows.
 * @example
 * parseOptionFlags(["alpha=0.5", "mode=hf"], "alpha=0.5"); // { alpha: 0.5, mode: "hf" }
 */
export function parseOptionFlags(
  pairs: readonly string[] | undefined,
  example: string,
): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw invalidOption("--option", `key=value (e.g. --option ${example})`, pair);
    const value = pair.slice(eq + 1);
    try {
      options[pair.slice(0, eq)] = JSON.parse(value);
    } catch {
      options[pair.slice(0, eq)] = value;
    }
  }
  return options;
}
