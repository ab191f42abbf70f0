/**
 * Progress of one inference worker: a `RunEvent` union keyed on `type`, delivered to listeners (CLI bar,
 * notebook display, tests), and the `RunSummary` a worker resolves to.
 */

/** Running totals over the whole run, as this worker sees it. */
export interface RunCounts {
  /** Samples in the plan. */
  readonly total: number;
  /** Samples with a prediction, or a failure that is final for this worker (any worker's). */
  readonly done: number;
  /** Of `done`, the failures. */
  readonly errors: number;
  /** Samples this worker finished in this session (predictions and failures). */
  readonly processed: number;
  /** Samples other workers finished since this worker started. */
  readonly byOthers: number;
}

export type RunEvent =
  | {
      readonly type: "start";
      readonly worker: string;
      readonly journal: string;
      readonly role: string;
      readonly model: string;
      readonly counts: RunCounts;
    }
  /** One sample localized by this worker. */
  | {
      readonly type: "item";
      readonly exampleId: string;
      readonly boxes: number;
      readonly confidence: number;
      /** This sample's share of the model call. */
      readonly modelMs: number;
      readonly counts: RunCounts;
    }
  /** One sample failed (unreadable image, model error); it is journaled as a failure and the run goes on. */
  | {
      readonly type: "error";
      readonly exampleId: string;
      readonly code: string;
      readonly message: string;
      readonly counts: RunCounts;
    }
  /** Other workers finished `count` more samples, which this worker will skip. */
  | { readonly type: "skip"; readonly count: number; readonly counts: RunCounts }
  /** Only chunks claimed by other live workers are left; this worker waits for them or for their lease. */
  | {
      readonly type: "wait";
      readonly chunks: readonly number[];
      readonly counts: RunCounts;
    }
  /** Something worth telling the user that does not stop the run (e.g. a torn journal line). */
  | { readonly type: "warning"; readonly message: string }
  | { readonly type: "done"; readonly summary: RunSummary };

export type RunEventType = RunEvent["type"];

/** Why a worker ended. */
export type RunEnd = "finished" | "limit" | "stopped";

export interface RunSummary {
  readonly worker: string;
  readonly journal: string;
  readonly role: string;
  readonly runDir: string;
  readonly total: number;
  /** Predictions this worker made in this session. */
  readonly predictions: number;
  /** Failures this worker journaled in this session. */
  readonly errors: number;
  /** Samples other workers finished while this one ran. */
  readonly doneByOthers: number;
  /** Samples with neither a prediction nor a final failure when this worker ended. */
  readonly remaining: number;
  /** Samples of the whole run whose latest result is a failure (retry them with `retryErrors`). */
  readonly runErrors: number;
  readonly elapsedMs: number;
  /** (predictions + errors) / elapsed seconds. */
  readonly samplesPerSecond: number;
  /**
   * Time the model thread waited for prepared images (decode, resize, SLIC). Near 0 when the prepare pool
   * keeps up; large when preparation is the bottleneck (add `threads`).
   */
  readonly prepareWaitSeconds: number;
  /** Time spent in successful `localize` calls. */
  readonly modelSeconds: number;
  readonly end: RunEnd;
}
