/**
 * What all journals of a run say so far: per sample the chosen prediction and latest error, per worker its
 * claims and when it was last seen. Journal records (any order, any repetition) → an idempotent summary.
 */
import type { JournalError, JournalPrediction, JournalRecord, ResultRecord } from "./journal-record.js";

/** A result record together with the worker (journal) that wrote it. */
export interface SourcedResult {
  readonly worker: string;
  readonly record: ResultRecord;
}

export interface SampleState {
  /** The prediction merge takes: the earliest by (`at`, worker), so the choice never depends on read order. */
  chosen?: SourcedResult & { readonly record: { readonly prediction: JournalPrediction } };
  /** Workers that produced a prediction for it (more than one: the sample was done twice). */
  readonly doneBy: Set<string>;
  /** The most recent failure, if any. */
  lastError?: SourcedResult & { readonly record: { readonly error: JournalError } };
}

export interface WorkerState {
  host?: string;
  pid?: number;
  role?: string;
  /** Latest `at` of any of its records. */
  lastSeen: number;
  /** It wrote an `end` record: none of its claims hold any more. */
  ended: boolean;
  /** Chunk → when it was claimed (released chunks removed). */
  readonly claims: Map<number, number>;
}

function precedes(a: SourcedResult, b: SourcedResult): boolean {
  return a.record.at !== b.record.at ? a.record.at < b.record.at : a.worker < b.worker;
}

export class RunState {
  readonly samples = new Map<string, SampleState>();
  readonly workers = new Map<string, WorkerState>();
  /** Example ids with new results since the last `drainTouched()`. */
  private touched: string[] = [];
  /** Claims applied since the last `drainClaims()`. */
  private claimed: { worker: string; at: number }[] = [];

  /** Adds one record written by `worker`. Adding the same record twice changes nothing. */
  apply(worker: string, record: JournalRecord): void {
    const state = this.worker(worker);
    state.lastSeen = Math.max(state.lastSeen, record.at);
    switch (record.type) {
      case "worker":
        state.host = record.host;
        state.pid = record.pid;
        state.role = record.role;
        break;
      case "claim":
        state.claims.set(record.chunk, record.at);
        this.claimed.push({ worker, at: record.at });
        break;
      case "release":
        state.claims.delete(record.chunk);
        break;
      case "end":
        state.ended = true;
        break;
      case "result":
        this.applyResult({ worker, record });
        break;
      case "alive":
        break;
    }
  }

  private worker(id: string): WorkerState {
    let state = this.workers.get(id);
    if (state === undefined) {
      state = { lastSeen: 0, ended: false, claims: new Map() };
      this.workers.set(id, state);
    }
    return state;
  }

  /** The example ids that got results since the last call (with repeats), so callers re-check only those. */
  drainTouched(): string[] {
    const touched = this.touched;
    this.touched = [];
    return touched;
  }

  /** The claims applied since the last call (who, and when they were written), e.g. to measure lag. */
  drainClaims(): { worker: string; at: number }[] {
    const claimed = this.claimed;
    this.claimed = [];
    return claimed;
  }

  private applyResult(result: SourcedResult): void {
    this.touched.push(result.record.exampleId);
    let sample = this.samples.get(result.record.exampleId);
    if (sample === undefined) {
      sample = { doneBy: new Set() };
      this.samples.set(result.record.exampleId, sample);
    }
    const { record } = result;
    if (record.prediction !== undefined) {
      sample.doneBy.add(result.worker);
      if (sample.chosen === undefined || precedes(result, sample.chosen)) {
        sample.chosen = result as SampleState["chosen"];
      }
    } else if (record.error !== undefined) {
      if (sample.lastError === undefined || precedes(sample.lastError, result)) {
        sample.lastError = result as SampleState["lastError"];
      }
    }
  }

  /** True when some worker produced a prediction for the sample. */
  hasPrediction(exampleId: string): boolean {
    return this.samples.get(exampleId)?.chosen !== undefined;
  }

  /** The latest failure of a sample that has no prediction. */
  failure(exampleId: string): SourcedResult | undefined {
    const sample = this.samples.get(exampleId);
    return sample === undefined || sample.chosen !== undefined ? undefined : sample.lastError;
  }
}
