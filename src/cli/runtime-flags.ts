/**
 * Where a model runs, as flags: `--provider --precision --cache-dir` and a threads flag (named per command:
 * `--model-threads` where `--threads` means worker threads) → the RuntimeOptions `createLocalizer` takes.
 */
import { PROVIDER_REQUESTS, type PrecisionRequest, type RuntimeOptions } from "../onnx/session.js";
import { type ParsedFlags, parseChoiceFlag, parseIntegerFlag } from "./args.js";
import type { FlagRow } from "./flag-rows.js";

/** Spread into a command's FlagSpec, with its threads flag beside it. */
export const RUNTIME_FLAG_SPEC = {
  provider: { type: "string" },
  precision: { type: "string" },
  "cache-dir": { type: "string" },
} as const;

/** Help lines for the runtime flags, with the command's threads flag. */
export function runtimeFlagRows(threadsFlag: string): FlagRow[] {
  return [
    ["--provider P", "auto (default: CUDA if installed, else CPU), cpu or cuda"],
    ["--precision P", "auto (default: fp16 on CUDA, fp32 on CPU), fp32 or fp16"],
    [`--${threadsFlag} N`, "ONNX Runtime threads"],
    ["--cache-dir D", "where built graphs are cached (default: the gritloc cache folder)"],
  ];
}

export type RuntimeFlags = Partial<ParsedFlags<typeof RUNTIME_FLAG_SPEC>>;

const PRECISIONS: readonly PrecisionRequest[] = ["auto", "fp32", "fp16"];

/**
 * The runtime flags → RuntimeOptions holding only the flags given.
 * @throws GritlocError E_INVALID_OPTION for an unknown provider or precision, or a threads flag that is not an
 *   integer ≥ 1.
 * @example
 * runtimeFromFlags({ provider: "cpu", "model-threads": "2" }, "model-threads"); // { provider: "cpu", threads: 2 }
 */
export function runtimeFromFlags<T extends string>(
  flags: RuntimeFlags & { readonly [K in T]?: string | undefined },
  threadsFlag: T,
): RuntimeOptions {
  const threads = flags[threadsFlag];
  return {
    ...(flags.provider === undefined
      ? {}
      : { provider: parseChoiceFlag(flags.provider, "provider", PROVIDER_REQUESTS) }),
    ...(flags.precision === undefined
      ? {}
      : { precision: parseChoiceFlag(flags.precision, "precision", PRECISIONS) }),
    ...(threads === undefined ? {} : { threads: parseIntegerFlag(threads, threadsFlag, { min: 1 }) }),
    ...(flags["cache-dir"] === undefined ? {} : { cacheDir: flags["cache-dir"] }),
  };
}
