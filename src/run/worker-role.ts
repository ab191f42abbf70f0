/**
 * Which part of the plan a worker takes: the `head` (plan order), the `tail` (reverse order), or shard k of N
 * (a contiguous range of chunks). Role + which chunks are open/free → the next chunk to claim.
 */
import { invalidOption } from "../errors.js";

export type WorkerRole =
  | { readonly kind: "head" }
  | { readonly kind: "tail" }
  | {
      readonly kind: "shard";
      /** 1-based, ≤ count. */
      readonly index: number;
      readonly count: number;
      /** After its own range, take the tail of the range with the most work left (default true). */
      readonly helpOthers: boolean;
    };

/** How a role is written in events and journals: "head", "tail", "shard 2/4". */
export function describeRole(role: WorkerRole): string {
  return role.kind === "shard" ? `shard ${role.index}/${role.count}` : role.kind;
}

/**
 * Parses "k/N" (1 ≤ k ≤ N) into a shard role.
 * @throws GritlocError E_INVALID_OPTION naming `name`.
 */
export function parseShard(text: string, name = "shard", helpOthers = true): WorkerRole {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match === null ? Number.NaN : Number(match[1]);
  const count = match === null ? Number.NaN : Number(match[2]);
  if (!(index >= 1 && count >= 1 && index <= count)) {
    throw invalidOption(name, 'a shard "k/N" with 1 ≤ k ≤ N (e.g. "2/4")', text);
  }
  return { kind: "shard", index, count, helpOthers };
}

/** Chunk indices [start, end) of shard `index` of `count` over `chunkCount` chunks. */
export function shardRange(index: number, count: number, chunkCount: number): [number, number] {
  return [Math.floor(((index - 1) * chunkCount) / count), Math.floor((index * chunkCount) / count)];
}

/**
 * Chunk indices [start, end) that `role` works on before it can meet another worker: its shard range, or its
 * half of the plan for head and tail (the other end's worker is expected in the other half).
 */
export function ownChunks(role: WorkerRole, chunkCount: number): [number, number] {
  if (role.kind === "shard") return shardRange(role.index, role.count, chunkCount);
  const middle = Math.ceil(chunkCount / 2);
  return role.kind === "head" ? [0, middle] : [middle, chunkCount];
}

/** What a worker should do next. */
export type ChunkChoice =
  | { readonly kind: "claim"; readonly chunk: number }
  /** Only chunks claimed by other live workers are left; wait for them (or for their claims to lapse). */
  | { readonly kind: "wait"; readonly chunks: readonly number[] }
  | { readonly kind: "finished" };

export interface ChunkStatus {
  /** The chunk still has samples this worker would run. */
  isOpen(chunk: number): boolean;
  /** Nobody else holds a live claim on it. */
  isFree(chunk: number): boolean;
}

/**
 * Picks the next chunk for `role`. Head takes the first open free chunk, tail the last; a shard works its own
 * range first, then (with `helpOthers`) takes the last chunk of the range with the most free work left, so
 * helpers meet that range's owner in the middle the way head and tail do.
 */
export function pickChunk(role: WorkerRole, chunkCount: number, status: ChunkStatus): ChunkChoice {
  const waiting: number[] = [];
  const consider = (chunk: number): boolean => {
    if (!status.isOpen(chunk)) return false;
    if (status.isFree(chunk)) return true;
    waiting.push(chunk);
    return false;
  };
  const claimed = (chunk: number): ChunkChoice => ({ kind: "claim", chunk });
  const rest = (): ChunkChoice =>
    waiting.length > 0 ? { kind: "wait", chunks: waiting.sort((a, b) => a - b) } : { kind: "finished" };

  if (role.kind === "head") {
    for (let c = 0; c < chunkCount; c++) if (consider(c)) return claimed(c);
    return rest();
  }
  if (role.kind === "tail") {
    for (let c = chunkCount - 1; c >= 0; c--) if (consider(c)) return claimed(c);
    return rest();
  }
  const [start, end] = shardRange(role.index, role.count, chunkCount);
  for (let c = start; c < end; c++) if (consider(c)) return claimed(c);
  if (!role.helpOthers) return rest();

  let best: { free: number; last: number } | undefined;
  for (let k = 1; k <= role.count; k++) {
    if (k === role.index) continue;
    const [s, e] = shardRange(k, role.count, chunkCount);
    let free = 0;
    let last = -1;
    for (let c = s; c < e; c++) {
      if (!consider(c)) continue;
      free++;
      last = c;
    }
    if (free > 0 && (best === undefined || free > best.free)) best = { free, last };
  }
  return best === undefined ? rest() : claimed(best.last);
}
