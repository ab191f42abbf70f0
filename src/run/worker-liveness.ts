/**
 * Whether another worker's claims still hold: it has not ended, it is not a dead process on this machine, and
 * it wrote something within the lease. Clocks of different machines are assumed roughly in sync (NTP).
 */
import type { RunState, WorkerState } from "./run-state.js";

export interface LivenessContext {
  /** This machine's host name (a dead pid can only be detected here). */
  readonly host: string;
  /** Epoch ms. */
  readonly now: number;
  /** How long a worker counts as live after its last record. */
  readonly leaseMs: number;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** True while the worker's claims should be respected. */
export function isWorkerLive(worker: WorkerState, context: LivenessContext): boolean {
  if (worker.ended) return false;
  if (worker.host === context.host && worker.pid !== undefined && !isProcessAlive(worker.pid)) return false;
  return context.now - worker.lastSeen < context.leaseMs;
}

/** The chunks claimed by live workers other than `self`. */
export function liveClaims(state: RunState, self: string, context: LivenessContext): Set<number> {
  const claimed = new Set<number>();
  for (const [id, worker] of state.workers) {
    if (id === self || worker.claims.size === 0 || !isWorkerLive(worker, context)) continue;
    for (const chunk of worker.claims.keys()) claimed.add(chunk);
  }
  return claimed;
}

/**
 * True when another live worker claimed `chunk` before `self` did (earlier time, then smaller worker id):
 * two workers that claimed the same chunk at once both see it after their claims are written, and only the
 * later one backs off.
 */
export function isClaimPreempted(
  state: RunState,
  self: string,
  chunk: number,
  context: LivenessContext,
): boolean {
  const mine = state.workers.get(self)?.claims.get(chunk);
  if (mine === undefined) return false;
  for (const [id, worker] of state.workers) {
    const theirs = id === self ? undefined : worker.claims.get(chunk);
    if (theirs === undefined || !isWorkerLive(worker, context)) continue;
    if (theirs < mine || (theirs === mine && id < self)) return true;
  }
  return false;
}
