/**
 * Which chunks one worker works on next: picks them in its role's order among chunks that still have work for
 * it and that no other live worker holds, claims a few ahead (enough to cover how late others' claims become
 * visible here), and backs off a chunk when an earlier live claim for it shows up. Claims are journal records;
 * the worker supplies the journal and its sample statuses.
 */
import type { ClaimRecord, ReleaseRecord } from "./journal-record.js";
import type { WorkPlan } from "./plan.js";
import type { RunState } from "./run-state.js";
import { isClaimPreempted, type LivenessContext, liveClaims } from "./worker-liveness.js";
import { type ChunkChoice, ownChunks, pickChunk, type WorkerRole } from "./worker-role.js";

export interface ChunkClaimsConfig {
  readonly workerId: string;
  readonly role: WorkerRole;
  /** Claims of a worker silent for this long lapse. */
  readonly leaseMs: number;
  /** Claim at most this many chunks ahead of the one in progress. */
  readonly maxClaimAhead: number;
  /** Samples per chunk (run.json's). */
  readonly chunkSize: number;
}

/** What the claims need from their worker. */
export interface ClaimWorker {
  /** Whether sample `index` (of the plan's samples) still has to be done by this worker. */
  isSampleOpen(index: number): boolean;
  /**
   * Re-reads the other workers' journals into the shared state; with `list`, lists the folder for new journals
   * first even when a listing is not due yet.
   */
  refresh(list?: boolean): Promise<void>;
  /** Appends a record to this worker's journal (and to the shared state). */
  record(record: ClaimRecord | ReleaseRecord): void;
  /** Makes the records appended so far visible to other workers. */
  flush(): Promise<void>;
  liveness(): LivenessContext;
  /** This worker's time per processed sample so far, or null before its first. */
  msPerSample(): number | null;
}

export class ChunkClaims {
  /** Chunks known to have nothing left for this worker (monotonic). */
  private readonly closed: Uint8Array;
  private readonly own = new Set<number>();
  /** Claimed chunks not started yet, in pick order. */
  private readonly reserved: number[] = [];
  /** Recent delays (ms) between another worker writing a claim and this worker seeing it. */
  private readonly lags: number[] = [];
  /** Whether the folder was listed when the picks first left this worker's own part of the plan. */
  private listedBeyondOwn = false;

  constructor(
    private readonly config: ChunkClaimsConfig,
    private readonly state: RunState,
    private readonly plan: WorkPlan,
    private readonly worker: ClaimWorker,
  ) {
    this.closed = new Uint8Array(plan.chunks.length);
  }

  /** Records how late another worker's claim became visible here (claims older than the lease are ignored). */
  noteSeen(claim: { readonly worker: string; readonly at: number }): void {
    const lag = Date.now() - claim.at;
    if (claim.worker === this.config.workerId || lag > this.config.leaseMs) return;
    this.lags.push(Math.max(0, lag));
    if (this.lags.length > 16) this.lags.shift();
  }

  /**
   * The next chunk to work on, or why there is none. Tops up this worker's claimed-ahead chunks (one flush
   * for all), then re-reads the journals and drops the next chunk if an earlier claim for it by a live worker
   * has become visible (claims that crossed: the later one backs off) or others finished it meanwhile.
   */
  async next(): Promise<number | ChunkChoice> {
    for (;;) {
      const want = 1 + this.claimAhead();
      let last: ChunkChoice | undefined;
      if (this.reserved.length < want) {
        await this.worker.refresh();
        let claimed = false;
        while (this.reserved.length < want) {
          const choice = this.pick();
          if (choice.kind !== "claim") {
            last = choice;
            break;
          }
          if (!this.listedBeyondOwn && !this.isOwnChunk(choice.chunk)) {
            // Listing is rate-limited (slow on Drive), so a worker that started just after this one listed the
            // folder can still be unseen here: its claims and results too. List once before taking work from
            // another worker's part of the plan, then pick again with what that shows.
            this.listedBeyondOwn = true;
            await this.worker.refresh(true);
            continue;
          }
          this.own.add(choice.chunk);
          this.worker.record({ type: "claim", chunk: choice.chunk, at: Date.now() });
          this.reserved.push(choice.chunk);
          claimed = true;
        }
        if (claimed) await this.worker.flush(); // others must see the claims before we spend time on them
      }
      const next = this.reserved.shift();
      if (next === undefined) return last ?? { kind: "finished" };
      await this.worker.refresh();
      if (isClaimPreempted(this.state, this.config.workerId, next, this.worker.liveness())) {
        this.own.delete(next);
        this.worker.record({ type: "release", chunk: next, at: Date.now() });
        continue;
      }
      if (this.isChunkOpen(next)) return next;
    }
  }

  private isOwnChunk(chunk: number): boolean {
    const [start, end] = ownChunks(this.config.role, this.plan.chunks.length);
    return chunk >= start && chunk < end;
  }

  private isChunkOpen(chunk: number): boolean {
    if (this.closed[chunk] === 1) return false;
    const { firstGroup, endGroup } = this.plan.chunks[chunk];
    for (let g = firstGroup; g < endGroup; g++) {
      for (const i of this.plan.groups[g].sampleIndices) if (this.worker.isSampleOpen(i)) return true;
    }
    this.closed[chunk] = 1;
    return false;
  }

  /** Role-ordered pick among chunks that are open for this worker and not claimed by another live one. */
  private pick(): ChunkChoice {
    const taken = liveClaims(this.state, this.config.workerId, this.worker.liveness());
    return pickChunk(this.config.role, this.plan.chunks.length, {
      isOpen: (chunk) => !this.own.has(chunk) && this.isChunkOpen(chunk),
      isFree: (chunk) => !taken.has(chunk),
    });
  }

  /**
   * How many chunks to claim beyond the one about to start: enough to cover 1.5× the delay with which other
   * workers' claims became visible here (Drive: seconds to a minute; a local disk: ~0), so a worker coming
   * from the other end sees a claim before it gets there. 0 until another worker has been seen.
   */
  private claimAhead(): number {
    if (this.lags.length === 0) return 0;
    const msPerSample = this.worker.msPerSample();
    if (msPerSample === null) return 0;
    const chunkMs = msPerSample * this.config.chunkSize;
    return Math.min(this.config.maxClaimAhead, Math.ceil((1.5 * Math.max(...this.lags)) / chunkMs));
  }
}
