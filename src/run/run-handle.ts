/**
 * The handle a running worker returns: listeners and an async iterator over its RunEvents, `done`, and a
 * graceful `stop()`. Events → listeners/iterators; nothing is buffered unless an iterator is waiting.
 */
import type { RunEvent, RunSummary } from "./run-event.js";

export interface RunHandle extends AsyncIterable<RunEvent> {
  /** This worker's id (its journal is `<run>/journal/<worker>.jsonl`). */
  readonly worker: string;
  /**
   * Calls `listener` for every event from now on; returns the function that unsubscribes. Listeners added
   * in the same tick as the `runInference` call see every event, `start` included.
   */
  on(listener: (event: RunEvent) => void): () => void;
  /** Resolves when the worker ended (finished, limit, stopped); rejects if it failed as a whole. */
  readonly done: Promise<RunSummary>;
  /** Asks the worker to stop after the sample in the model; resolves to its summary. */
  stop(): Promise<RunSummary>;
}

/**
 * Runs `body` on a later tick (so listeners attached right after the call see every event) and wraps it in a
 * RunHandle; `stop()` aborts the signal `body` receives.
 */
export function startRun(
  worker: string,
  body: (emit: (event: RunEvent) => void, signal: AbortSignal) => Promise<RunSummary>,
): RunHandle {
  const events = new RunEvents();
  const abort = new AbortController();
  const done = new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
    body((event) => events.emit(event), abort.signal),
  );
  done.catch(() => {}); // callers observe `done`; an unobserved failure must not crash the process
  return {
    worker,
    on: (listener) => events.on(listener),
    done,
    stop: () => {
      abort.abort();
      return done;
    },
    [Symbol.asyncIterator]: () => events.iterate(done),
  };
}

/** The event side of a RunHandle, for the worker that emits. */
class RunEvents {
  private readonly listeners = new Set<(event: RunEvent) => void>();

  on(listener: (event: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: RunEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** Iterates events until `done` settles; the iterator throws the run's failure. */
  iterate(done: Promise<RunSummary>): AsyncIterator<RunEvent> {
    const queue: RunEvent[] = [];
    let wake: (() => void) | undefined;
    let finished = false;
    let failure: { error: unknown } | undefined;
    const unsubscribe = this.on((event) => {
      queue.push(event);
      wake?.();
    });
    done.then(
      () => {
        finished = true;
        wake?.();
      },
      (error: unknown) => {
        failure = { error };
        wake?.();
      },
    );
    return {
      next: async () => {
        for (;;) {
          const event = queue.shift();
          if (event !== undefined) return { value: event, done: false };
          if (failure !== undefined) {
            unsubscribe();
            throw failure.error;
          }
          if (finished) {
            unsubscribe();
            return { value: undefined, done: true };
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
        }
      },
      return: async () => {
        unsubscribe();
        return { value: undefined, done: true };
      },
    };
  }
}
