/**
 * Flag parsing for subcommands on top of `node:util` parseArgs: unknown flags (with a did-you-mean), missing
 * values, missing required flags and conflicting flags become E_INVALID_OPTION errors that name the flag.
 */
import { parseArgs } from "node:util";
import { GritlocError, invalidOption, quotedChoices } from "../errors.js";
import { didYouMean } from "./did-you-mean.js";

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

const HELP_HINT = "Run with --help for usage.";

/**
 * What is wrong with argv, in words, found by re-reading it leniently: an unknown flag (with the closest known
 * one), a flag without its value (or followed by something that looks like a flag), a value given to a switch.
 * Undefined when none of these.
 */
function describeBadFlag(argv: readonly string[], options: FlagSpec): string | undefined {
  let tokens: ReturnType<typeof parseArgs>["tokens"];
  try {
    tokens = parseArgs({
      args: [...argv],
      options,
      allowPositionals: true,
      strict: false,
      tokens: true,
    }).tokens;
  } catch {
    return undefined;
  }
  for (const token of tokens ?? []) {
    if (token.kind !== "option") continue;
    const flag = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (flag === undefined) {
      const hint = token.rawName.startsWith("--")
        ? didYouMean(token.name, Object.keys(options), (name) => `--${name}`)
        : "";
      return `unknown flag ${token.rawName}.${hint}`;
    }
    if (flag.type === "string" && token.value === undefined) return `${token.rawName} needs a value.`;
    if (flag.type === "string" && token.inlineValue === false && token.value?.startsWith("-") === true) {
      return (
        `${token.rawName} needs a value, and "${token.value}" looks like a flag: write ` +
        `${token.rawName}=${token.value} for a value that starts with "-".`
      );
    }
    if (flag.type === "boolean" && token.inlineValue === true) return `${token.rawName} takes no value.`;
  }
  return undefined;
}

/** Parses argv against `spec` (plus `--help`); throws E_INVALID_OPTION naming the offending flag. */
export function parseCommandArgs<S extends FlagSpec>(argv: readonly string[], spec: S): ParsedArgs<S> {
  const options: FlagSpec = { ...spec, help: { type: "boolean", short: "h" } };
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options,
      allowPositionals: true,
      strict: true,
    });
    const { help, ...flags } = values as Record<string, unknown>;
    return { flags: flags as ParsedFlags<S>, positionals, help: help === true };
  } catch (error) {
    const message = describeBadFlag(argv, options) ?? `${(error as Error).message}.`;
    throw new GritlocError("E_INVALID_OPTION", `${message} ${HELP_HINT}`, { cause: error });
  }
}

/** Parses argv for a command that takes no positional arguments: its flags, or an error naming the extras. */
export function parseFlagsOnly<S extends FlagSpec>(argv: readonly string[], spec: S): ParsedFlags<S> {
  const { flags, positionals } = parseCommandArgs(argv, spec);
  if (positionals.length > 0) {
    const what = positionals.length === 1 ? "argument" : "arguments";
    throw new GritlocError(
      "E_INVALID_OPTION",
      `unexpected ${what} ${positionals.map((p) => JSON.stringify(p)).join(" ")}: this command takes flags only ` +
        `(a value goes right after its flag). ${HELP_HINT}`,
    );
  }
  return flags;
}

/**
 * The value of a required string flag, or an error that names it: "--samples is required".
 * @param needs what the flag is required for or with, e.g. "with --model slicvit"
 */
export function requireFlag(value: string | undefined, flag: string, needs?: string): string {
  if (value === undefined || value === "") {
    const problem = value === undefined ? "is required" : "is empty; give it a value";
    throw new GritlocError(
      "E_INVALID_OPTION",
      `--${flag} ${problem}${needs === undefined ? "" : ` ${needs}`}. ${HELP_HINT}`,
    );
  }
  return value;
}

/** The error for two flags that exclude each other: "use either --end or --shard, not both". */
export function conflictingFlags(first: string, second: string): GritlocError {
  return new GritlocError("E_INVALID_OPTION", `use either --${first} or --${second}, not both. ${HELP_HINT}`);
}

/**
 * A flag whose value is one of `choices`, or an error that lists them and suggests the closest.
 * @example
 * parseChoiceFlag("cpu", "provider", ["auto", "cpu", "cuda"]); // "cpu"
 */
export function parseChoiceFlag<C extends string>(value: string, flag: string, choices: readonly C[]): C {
  if ((choices as readonly string[]).includes(value)) return value as C;
  throw notAChoice(flag, quotedChoices(choices), value, choices);
}

/** "Expected … for --flag but received …", with a did-you-mean when `value` is a near miss of a choice. */
function notAChoice(flag: string, expected: string, value: string, choices: readonly string[]): GritlocError {
  const { message } = invalidOption(`--${flag}`, expected, value);
  return new GritlocError("E_INVALID_OPTION", `${message}.${didYouMean(value, choices, (c) => `"${c}"`)}`);
}

/**
 * A subcommand's action (its first positional, e.g. `build` in `gritloc gt build`), or an error that lists the
 * actions and suggests the closest; `extra` positionals after the action are refused.
 * @example
 * parseAction(["verify"], "setup", ["grit", "verify"]); // "verify"
 */
export function parseAction<A extends string>(
  positionals: readonly string[],
  command: string,
  actions: readonly A[],
): A {
  const [action, ...extra] = positionals;
  const expected = quotedChoices(actions);
  if (action === undefined)
    throw new GritlocError(
      "E_INVALID_OPTION",
      `gritloc ${command} needs an action: ${expected}. ${HELP_HINT}`,
    );
  if (!(actions as readonly string[]).includes(action)) {
    const hint = didYouMean(action, actions, (a) => `'gritloc ${command} ${a}'`);
    throw new GritlocError(
      "E_INVALID_OPTION",
      `unknown action "${action}" for gritloc ${command} (expected ${expected}).${hint}`,
    );
  }
  if (extra.length > 0)
    throw new GritlocError(
      "E_INVALID_OPTION",
      `gritloc ${command} ${action} takes flags only, but received "${extra.join(" ")}". ${HELP_HINT}`,
    );
  return action as A;
}

/**
 * A comma list flag whose items (trimmed, blanks dropped) are each one of `choices`, or an error naming the
 * first item that is not.
 * @example
 * parseChoiceListFlag("coco, nyuv2", "sources", ["coco", "nyuv2", "open_images"]); // ["coco", "nyuv2"]
 */
export function parseChoiceListFlag<C extends string>(
  value: string,
  flag: string,
  choices: readonly C[],
): C[] {
  const list = value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  for (const s of list) {
    if (!(choices as readonly string[]).includes(s))
      throw notAChoice(flag, `a comma list of ${choices.join(", ")}`, s, choices);
  }
  return list as C[];
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
 * "true"), else kept as text. `example` is the pair the error for a missing "=" shows; `flag` and `form` name
 * the flag and its pair in that error, for flags other than --option (e.g. `--rule NAME=VALUE`).
 * @example
 * parseOptionFlags(["alpha=0.5", "mode=hf"], "alpha=0.5"); // { alpha: 0.5, mode: "hf" }
 */
export function parseOptionFlags(
  pairs: readonly string[] | undefined,
  example: string,
  { flag = "option", form = "key=value" } = {},
): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw invalidOption(`--${flag}`, `${form} (e.g. --${flag} ${example})`, pair);
    const value = pair.slice(eq + 1);
    try {
      options[pair.slice(0, eq)] = JSON.parse(value);
    } catch {
      options[pair.slice(0, eq)] = value;
    }
  }
  return options;
}
