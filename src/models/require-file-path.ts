/**
 * The check every model spec and file set makes on its paths: value + its option name → the path, or
 * E_INVALID_OPTION "Expected a file path for <name> …" before any file is opened.
 */
import { invalidOption } from "../errors.js";

/**
 * Returns `value` when it is a non-empty string.
 * @throws GritlocError E_INVALID_OPTION naming `name` and what was received.
 * @example const weights = requireFilePath(spec.weights, "spec.weights");
 */
export function requireFilePath(value: unknown, name: string): string {
  if (typeof value !== "string" || value === "") throw invalidOption(name, "a file path", value);
  return value;
}
