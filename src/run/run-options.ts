/**
 * Runner options resolved once: which end or shard (→ WorkerRole) and the tuning knobs of journal, claims and
 * pipeline (→ complete, checked values with the defaults in one place).
 */
import { invalidOption } from "../errors.js";
import { parseShard, type WorkerRole } from "./worker-role.js";

/** Knobs most users never touch; each has a default suited to both a laptop and Colab + Drive. */
export interface RunTuning {
  /** Samples per claimed chunk; fixed by the run's first worker (run.json). @default 8 */
  readonly chunkSize?: number;
  /** Image groups prepared ahead of the model. @default max(2, 2 × threads) */
  readonly prefetch?: number;
  /** Journal records per write + fsync. @default 8 */
  readonly flushEvery?: number;
  /** Flush buffered records at least this often (ms). @default 2000 */
  readonly flushIntervalMs?: number;
  /** A worker's claims lapse after it wrote nothing for this long (ms). @default 120000 */
  readonly leaseMs?: number;
  /** Re-read other workers' journals at least this often while working (ms). @default 2000 */
  readonly refreshIntervalMs?: number;
  /**
   * List the journal folder for new workers at least this often (ms). Listing is slow on Drive, so the
   * worker lists every max(200 ms, 50 × the last listing's duration), capped by this. @default 10000
   */
  readonly listIntervalMs?: number;
  /** While only others' claimed chunks are left, look again this often (ms). @default 1000 */
  readonly pollIntervalMs?: number;
  /** Stop the worker after this many `localize` failures in a row. @default 10 */
  readonly maxConsecutiveModelErrors?: number;
  /**
   * Claim at most this many chunks ahead of the one in progress. A worker claims ahead as far as it works in
   * 1.5× the delay with which it sees other workers' claims (slow on Drive), so the ends meet without
   * redoing each other's chunks. @default 64
   */
  readonly maxClaimAhead?: number;
}

export type ResolvedTuning = { readonly [K in keyof RunTuning]-?: number };

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw invalidOption(name, "a positive integer", value);
  return value;
}

function nonNegativeInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) throw invalidOption(name, "an integer ≥ 0", value);
  return value;
}

/** Applies the defaults and checks every knob. @throws GritlocError E_INVALID_OPTION naming the knob. */
export function resolveTuning(tuning: RunTuning, threads: number): ResolvedTuning {
  return {
    chunkSize: positiveInteger("chunkSize", tuning.chunkSize, 8),
    prefetch: positiveInteger("prefetch", tuning.prefetch, Math.max(2, 2 * threads)),
    flushEvery: positiveInteger("flushEvery", tuning.flushEvery, 8),
    flushIntervalMs: positiveInteger("flushIntervalMs", tuning.flushIntervalMs, 2000),
    leaseMs: positiveInteger("leaseMs", tuning.leaseMs, 120_000),
    refreshIntervalMs: positiveInteger("refreshIntervalMs", tuning.refreshIntervalMs, 2000),
    listIntervalMs: positiveInteger("listIntervalMs", tuning.listIntervalMs, 10_000),
    pollIntervalMs: positiveInteger("pollIntervalMs", tuning.pollIntervalMs, 1000),
    maxConsecutiveModelErrors: positiveInteger(
      "maxConsecutiveModelErrors",
      tuning.maxConsecutiveModelErrors,
      10,
    ),
    maxClaimAhead: nonNegativeInteger("maxClaimAhead", tuning.maxClaimAhead, 64),
  };
}

/** Where a worker starts. */
export interface RoleOptions {
  /** Work from the start ("head") or the end ("tail") of the plan. @default "head" */
  readonly end?: "head" | "tail";
  /** Work shard k of N: "k/N" or { index: k, count: N } (1-based). Excludes `end`. */
  readonly shard?: string | { readonly index: number; readonly count: number };
  /** After its own shard, a shard worker helps the others from their tails. @default true */
  readonly helpOthers?: boolean;
}

/** @throws GritlocError E_INVALID_OPTION for an unknown end, a bad shard, or both given. */
export function resolveRole({ end, shard, helpOthers = true }: RoleOptions): WorkerRole {
  if (end !== undefined && shard !== undefined) {
    throw invalidOption("end", "either end or shard, not both", end);
  }
  if (shard !== undefined) {
    const text = typeof shard === "string" ? shard : `${shard.index}/${shard.count}`;
    return parseShard(text, "shard", helpOthers);
  }
  if (end === undefined || end === "head") return { kind: "head" };
  if (end === "tail") return { kind: "tail" };
  throw invalidOption("end", '"head" or "tail"', end);
}
