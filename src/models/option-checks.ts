/**
 * What every model family's `resolve…Options` shares: user options + frozen defaults → the merged values to
 * check (unknown keys refused, undefined counting as unset), and the checks for numbers, booleans and choices,
 * each failing with E_INVALID_OPTION naming the option, the expected value and what was received.
 */
import { invalidOption, quotedChoices } from "../errors.js";

/**
 * The defaults with every set option laid over them, unchecked.
 * @throws GritlocError E_INVALID_OPTION when `options` is not an object or names a key `defaults` lacks.
 * @example mergeOptions({ mode: undefined }, { mode: "grit" }).mode // "grit"
 */
export function mergeOptions<T extends object>(options: unknown, defaults: T): Record<keyof T, unknown> {
  if (typeof options !== "object" || options === null) throw invalidOption("options", "an object", options);
  const known = Object.keys(defaults);
  const set: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (!known.includes(key)) throw invalidOption(`options.${key}`, `one of ${known.join(", ")}`, key);
    if (value !== undefined) set[key] = value;
  }
  return { ...defaults, ...set } as Record<keyof T, unknown>;
}

/** `value` when it is a finite number that passes `ok`. */
export function checkNumber(
  name: string,
  value: unknown,
  ok: (v: number) => boolean,
  expected: string,
): number {
  if (typeof value !== "number" || !Number.isFinite(value) || !ok(value))
    throw invalidOption(name, expected, value);
  return value;
}

export function checkPositiveInteger(name: string, value: unknown): number {
  return checkNumber(name, value, (v) => Number.isInteger(v) && v >= 1, "a positive integer");
}

/** A number in [0, 1], or in (0, 1] when `zeroAllowed` is false (an IoU threshold of 0 suppresses everything). */
export function checkFraction(name: string, value: unknown, zeroAllowed = true): number {
  return checkNumber(
    name,
    value,
    (v) => (zeroAllowed ? v >= 0 : v > 0) && v <= 1,
    zeroAllowed ? "a number in [0, 1]" : "a number in (0, 1]",
  );
}

export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw invalidOption(name, "a boolean", value);
  return value;
}

/** `value` when it is one of `choices`. */
export function checkChoice<C extends string>(name: string, value: unknown, choices: readonly C[]): C {
  if (!(choices as readonly unknown[]).includes(value))
    throw invalidOption(name, quotedChoices(choices), value);
  return value as C;
}
