/**
 * Errors: one `GritlocError` class with a stable `code`, so callers branch on data, not on messages.
 * Messages end with the next step where there is one. The library never prints or exits; `src/cli.ts` does.
 */

/**
 * Stable error codes. Keep them few; each names a situation a caller may want to handle.
 * - E_INVALID_OPTION: an argument or option has the wrong type or value.
 * - E_SAMPLES_INVALID: a GRIT samples file is malformed.
 * - E_PREDICTIONS_INVALID: predictions (a localization.json or submission zip) fail validation.
 * - E_SUBMISSION_INVALID: a submission zip would not be accepted by the leaderboard.
 * - E_IMAGE_DECODE: an image file is missing, truncated or not an image.
 * - E_WEIGHTS_INVALID: a weights/config/vocabulary file is malformed or does not match the model.
 * - E_PROVIDER_UNAVAILABLE: an ONNX Runtime execution provider (e.g. CUDA) cannot be used.
 * - E_DOWNLOAD: a download failed after its retries.
 * - E_CHECKSUM: downloaded bytes do not match the expected size or sha256.
 * - E_JOURNAL_MISMATCH: a run folder belongs to another model, options or samples file.
 * - E_RUN_INCOMPLETE: a merge found samples without a prediction.
 * - E_NOT_FOUND: a required file or resource does not exist.
 * - E_FILE_ACCESS: a file or folder cannot be read or written: no permission, a file where a folder is needed
 *   (or a folder where a file is), a read-only or full disk. The message names the path.
 * - E_TOOL_MISSING: an external tool (e.g. chromium) is needed and not installed.
 * - E_MANIFEST_INVALID: a data or models manifest (data-manifests/*.json or --manifest FILE) is malformed.
 * - E_DATA_INVALID: a downloaded data file (distortion deltas, NYUv2 .mat) has an unexpected layout or type.
 */
export type GritlocErrorCode =
  | "E_INVALID_OPTION"
  | "E_SAMPLES_INVALID"
  | "E_PREDICTIONS_INVALID"
  | "E_SUBMISSION_INVALID"
  | "E_IMAGE_DECODE"
  | "E_WEIGHTS_INVALID"
  | "E_PROVIDER_UNAVAILABLE"
  | "E_DOWNLOAD"
  | "E_CHECKSUM"
  | "E_JOURNAL_MISMATCH"
  | "E_RUN_INCOMPLETE"
  | "E_NOT_FOUND"
  | "E_FILE_ACCESS"
  | "E_TOOL_MISSING"
  | "E_MANIFEST_INVALID"
  | "E_DATA_INVALID";

export interface GritlocErrorOptions {
  readonly cause?: unknown;
  /** Structured details (e.g. the list of validation problems), for callers and tests. */
  readonly details?: unknown;
}

export class GritlocError extends Error {
  override readonly name = "GritlocError";
  readonly code: GritlocErrorCode;
  readonly details: unknown;

  constructor(code: GritlocErrorCode, message: string, options: GritlocErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}

/** Unlike `instanceof`, this also works for errors that crossed a worker-thread boundary as plain objects. */
export function isGritlocError(error: unknown, code?: GritlocErrorCode): error is GritlocError {
  if (typeof error !== "object" || error === null) return false;
  const candidate = error as { name?: unknown; code?: unknown };
  return candidate.name === "GritlocError" && (code === undefined || candidate.code === code);
}

function describe(actual: unknown): string {
  if (actual === null) return "null";
  if (Array.isArray(actual)) return `an array of length ${actual.length}`;
  if (typeof actual === "string")
    return `"${actual.length > 60 ? `${actual.slice(0, 57)}...` : actual}" of type string`;
  if (typeof actual === "object") return "an object";
  return `${String(actual)} of type ${typeof actual}`;
}

/**
 * The error for a bad argument, e.g. "Expected positive integer for width but received -1 of type number".
 */
export function invalidOption(name: string, expected: string, actual: unknown): GritlocError {
  return new GritlocError(
    "E_INVALID_OPTION",
    `Expected ${expected} for ${name} but received ${describe(actual)}`,
  );
}

/**
 * Allowed values for an error message, quoted: `"a"`, `"a" or "b"`, `"a", "b" or "c"`.
 * @example quotedChoices(["grit", "hf"]) // '"grit" or "hf"'
 */
export function quotedChoices(choices: readonly string[]): string {
  const quoted = choices.map((c) => `"${c}"`);
  return quoted.length <= 1
    ? quoted.join("")
    : `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
}
