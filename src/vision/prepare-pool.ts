/**
 * Worker-thread pool for per-image preparation: a stream of (image file or bytes, PrepareSpec) →
 * PreparedImage promises, each worker running decode → resize → SLIC pyramid (`prepare-worker.ts`). Work per
 * worker is bounded, results come back in transferred buffers, errors come back as GritlocError.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { GritlocError, type GritlocErrorCode, invalidOption } from "../errors.js";
import { type PreparedImage, type PrepareSpec, validatePrepareSpec } from "./prepare.js";

export interface PreparePoolOptions {
  /** Worker threads. @default the number of cores minus one (at least 1) */
  readonly threads?: number;
  /**
   * Images sent to one worker and not yet finished, at most; further images wait on the main thread.
   * Two keep a worker busy (one decoding while the other runs SLIC) without piling up memory. @default 2
   */
  readonly maxInFlightPerWorker?: number;
}

export interface PreparePool {
  /** Number of worker threads. */
  readonly threads: number;
  /**
   * Prepares one image in a worker thread; the same result as `prepareImage(source, spec)`.
   * @throws (rejects with) GritlocError E_IMAGE_DECODE naming the file, or E_INVALID_OPTION for a bad spec.
   */
  prepare(source: string | Uint8Array, spec: PrepareSpec): Promise<PreparedImage>;
  /** Waits for every submitted image to finish, then stops the workers. */
  close(): Promise<void>;
}

/** Main thread → worker. */
export interface PrepareRequest {
  readonly id: number;
  readonly source: string | Uint8Array;
  readonly spec: PrepareSpec;
}

/** An error as it crosses the thread boundary (class identity is lost in structured cloning). */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly details?: unknown;
  readonly stack?: string;
}

/** Worker → main thread. */
export type PrepareResponse =
  | { readonly id: number; readonly ok: true; readonly result: PreparedImage }
  | { readonly id: number; readonly ok: false; readonly error: SerializedError };

/** What each worker is told at start-up. */
export interface PrepareWorkerData {
  /** libvips threads per decode, so that workers × threads ≤ cores. */
  readonly sharpThreads: number;
}

interface Task {
  readonly source: string | Uint8Array;
  readonly spec: PrepareSpec;
  readonly resolve: (result: PreparedImage) => void;
  readonly reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  readonly inFlight: Map<number, Task>;
}

/** Rebuilds a GritlocError (or a plain Error) from its serialized form. */
function rebuildError(e: SerializedError): Error {
  const error =
    e.name === "GritlocError" && typeof e.code === "string"
      ? new GritlocError(e.code as GritlocErrorCode, e.message, { details: e.details })
      : Object.assign(new Error(e.message), { name: e.name });
  if (e.stack !== undefined) error.stack = e.stack;
  return error;
}

/**
 * Starts the worker module next to this one, with this module's extension: `.js` from dist/, `.ts` under tsx.
 * tsx's loader hooks do not reach worker threads (privatenumber/tsx#354), so a `.ts` worker first registers
 * them itself; that path exists only in a source checkout, where tsx is installed.
 */
function startWorker(workerData: PrepareWorkerData): Worker {
  const here = import.meta.url;
  const extension = here.slice(here.lastIndexOf("."));
  const url = new URL(`./prepare-worker${extension}`, here);
  if (extension !== ".ts") return new Worker(url, { workerData });
  const api = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  const bootstrap = `import(${api}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * Starts a pool of worker threads that prepare images (decode → PIL-exact resize → SLIC pyramid) in parallel
 * with the caller, e.g. while the model runs on the previous image. Idle workers do not keep the process
 * alive; call `close()` when done.
 * @throws GritlocError E_INVALID_OPTION for bad options.
 * @example
 * const pool = createPreparePool({ threads: 3 });
 * const prepared = await Promise.all(files.map((f) => pool.prepare(f, localizer.prepareSpec)));
 * await pool.close();
 */
export function createPreparePool(options: PreparePoolOptions = {}): PreparePool {
  const cores = availableParallelism();
  const threads = options.threads ?? Math.max(1, cores - 1);
  const maxInFlight = options.maxInFlightPerWorker ?? 2;
  if (!Number.isInteger(threads) || threads < 1)
    throw invalidOption("threads", "a positive integer", threads);
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
    throw invalidOption("maxInFlightPerWorker", "a positive integer", maxInFlight);
  }
  const workerData: PrepareWorkerData = { sharpThreads: Math.max(1, Math.floor(cores / threads)) };
  const queue: Task[] = [];
  const slots: Slot[] = [];
  let nextId = 0;
  let closed = false;
  let drained: (() => void) | undefined;

  const pending = () => queue.length + slots.reduce((n, s) => n + s.inFlight.size, 0);

  function settle(): void {
    dispatch();
    for (const slot of slots) {
      if (slot.inFlight.size === 0) slot.worker.unref();
    }
    if (drained !== undefined && pending() === 0) drained();
  }

  function spawn(slot?: Slot): Slot {
    const worker = startWorker(workerData);
    const target: Slot = slot ?? { worker, inFlight: new Map() };
    target.worker = worker;
    worker.unref();
    worker.on("message", (response: PrepareResponse) => {
      const task = target.inFlight.get(response.id);
      if (task === undefined) return;
      target.inFlight.delete(response.id);
      if (response.ok) task.resolve(response.result);
      else task.reject(rebuildError(response.error));
      settle();
    });
    const fail = (error: Error) => {
      if (target.worker !== worker) return;
      // A crashed worker fails only the images it held; a fresh worker takes its place.
      for (const task of target.inFlight.values()) task.reject(error);
      target.inFlight.clear();
      if (!closed || pending() > 0) spawn(target);
      settle();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (!closed || target.inFlight.size > 0) fail(new Error(`A prepare worker exited with code ${code}`));
    });
    return target;
  }

  function dispatch(): void {
    while (queue.length > 0) {
      let best: Slot | undefined;
      for (const slot of slots) {
        if (
          slot.inFlight.size < maxInFlight &&
          (best === undefined || slot.inFlight.size < best.inFlight.size)
        ) {
          best = slot;
        }
      }
      if (best === undefined) return;
      const task = queue.shift()!;
      const id = nextId++;
      best.inFlight.set(id, task);
      best.worker.ref();
      const request: PrepareRequest = { id, source: task.source, spec: task.spec };
      best.worker.postMessage(request);
    }
  }

  for (let i = 0; i < threads; i++) slots.push(spawn());

  return {
    threads,
    prepare(source, spec) {
      if (closed) {
        return Promise.reject(
          new GritlocError(
            "E_INVALID_OPTION",
            "prepare() was called after close(); create a new pool with createPreparePool()",
          ),
        );
      }
      try {
        if (typeof source !== "string" && !(source instanceof Uint8Array)) {
          throw invalidOption("source", "a file path or a Uint8Array of encoded image bytes", source);
        }
        validatePrepareSpec(spec);
      } catch (error) {
        return Promise.reject(error);
      }
      return new Promise<PreparedImage>((resolve, reject) => {
        queue.push({ source, spec, resolve, reject });
        dispatch();
      });
    },
    async close() {
      closed = true;
      if (pending() > 0) await new Promise<void>((resolve) => (drained = resolve));
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
  };
}
