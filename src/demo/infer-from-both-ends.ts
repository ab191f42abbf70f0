/**
 * The demo's inference: one run folder, two workers started together from both ends (head and tail, as two
 * Colab sessions would run), the head one stopped on purpose part-way and started again → the workers'
 * summaries and what the interruption did. The workers share one localizer; each has its own prepare pool.
 */
import type { Localizer } from "../models/localizer.js";
import type { ModelSpec } from "../models/registry.js";
import type { RunSummary } from "../run/run-event.js";
import type { RunHandle } from "../run/run-handle.js";
import { runInference } from "../run/run-inference.js";
import type { DemoEvent, DemoWorker } from "./demo-events.js";

export interface InferFromBothEndsOptions {
  readonly samples: string;
  readonly images: string;
  readonly run: string;
  readonly model: ModelSpec;
  readonly localizer: Localizer;
  /** Prepare threads per worker. */
  readonly threads: number;
  readonly chunkSize: number;
  /** The head worker is stopped once it has finished this many samples (never, if the run ends first). */
  readonly interruptAfter: number;
  readonly emit: (event: DemoEvent) => void;
}

/** What the on-purpose interruption did. */
export interface DemoInterruption {
  /** Samples the head worker had finished when it was stopped. */
  readonly afterSamples: number;
  /** The stopped worker's id and the id of the worker that resumed its end. */
  readonly stoppedWorker: string;
  readonly resumedWorker: string;
  /** Samples already done (by either end) when the head end resumed; the new worker skipped them. */
  readonly doneAtResume: number;
}

export interface BothEndsResult {
  /** Every worker's summary: head (stopped), tail, head-resumed. */
  readonly workers: readonly { readonly name: DemoWorker; readonly summary: RunSummary }[];
  /** null when the run finished before the head worker reached `interruptAfter`. */
  readonly interruption: DemoInterruption | null;
}

/** Starts a worker and forwards its events, tagged. */
function start(options: InferFromBothEndsOptions, name: DemoWorker, end: "head" | "tail"): RunHandle {
  const { samples, images, run, model, localizer, threads, chunkSize } = options;
  const handle = runInference({ samples, images, run, model, localizer, threads, chunkSize, end });
  handle.on((event) => options.emit({ type: "infer", worker: name, event }));
  return handle;
}

/**
 * Runs the two ends to completion. A worker failure stops the others and is rethrown.
 * @throws GritlocError as `runInference` (E_JOURNAL_MISMATCH, E_SAMPLES_INVALID, …).
 */
export async function inferFromBothEnds(options: InferFromBothEndsOptions): Promise<BothEndsResult> {
  const head = start(options, "head", "head");
  const tail = start(options, "tail", "tail");
  const running = new Set<RunHandle>([head, tail]);
  let stopAsked = false;
  let failed = false;
  head.on((event) => {
    if (!stopAsked && event.type === "item" && event.counts.processed >= options.interruptAfter) {
      stopAsked = true;
      void head.stop();
    }
  });
  const finish = async (handle: RunHandle): Promise<RunSummary> => {
    try {
      return await handle.done;
    } catch (error) {
      // One failed worker fails the demo: stop the others so the process can end.
      failed = true;
      await Promise.allSettled([...running].filter((h) => h !== handle).map((h) => h.stop()));
      throw error;
    } finally {
      running.delete(handle);
    }
  };
  const tailDone = finish(tail);
  tailDone.catch(() => {}); // observed below; the head path may throw first
  const headSummary = await finish(head);
  if (failed) await tailDone; // the tail failed and stopped the head: its error is the demo's
  const workers: { name: DemoWorker; summary: RunSummary }[] = [{ name: "head", summary: headSummary }];
  let interruption: DemoInterruption | null = null;
  if (headSummary.end === "stopped") {
    options.emit({ type: "interrupt", worker: "head", summary: headSummary });
    const resumed = start(options, "head-resumed", "head");
    running.add(resumed);
    let doneAtResume = 0;
    resumed.on((event) => {
      if (event.type !== "start") return;
      doneAtResume = event.counts.done;
      options.emit({
        type: "resume",
        worker: "head-resumed",
        id: resumed.worker,
        done: event.counts.done,
        total: event.counts.total,
      });
    });
    const summary = await finish(resumed);
    workers.push({ name: "head-resumed", summary });
    interruption = {
      afterSamples: headSummary.predictions + headSummary.errors,
      stoppedWorker: headSummary.worker,
      resumedWorker: summary.worker,
      doneAtResume,
    };
  }
  workers.splice(1, 0, { name: "tail", summary: await tailDone });
  return { workers, interruption };
}
