/**
 * Progress of `runDemo`: a `DemoEvent` union keyed on `type` (steps, the two inference workers' RunEvents,
 * the on-purpose interruption and its resume, warnings), delivered to the `onEvent` callback.
 */
import type { RunEvent, RunSummary } from "../run/run-event.js";

/** The demo's steps, in order. */
export type DemoStep = "build" | "model" | "infer" | "merge" | "score" | "groundtruth" | "pictures";

/** Which inference worker an event comes from; "head-resumed" is the head end started again. */
export type DemoWorker = "head" | "tail" | "head-resumed";

export type DemoEvent =
  | { readonly type: "step"; readonly step: DemoStep; readonly message: string }
  | { readonly type: "infer"; readonly worker: DemoWorker; readonly event: RunEvent }
  /** The head worker was stopped on purpose (as Ctrl-C or a closed Colab session would stop it). */
  | { readonly type: "interrupt"; readonly worker: "head"; readonly summary: RunSummary }
  /** A new head worker started on the same run folder; `done` samples were already there to skip. */
  | {
      readonly type: "resume";
      readonly worker: "head-resumed";
      readonly id: string;
      readonly done: number;
      readonly total: number;
    }
  /** Something the user should know that does not stop the demo (random weights, no chromium). */
  | { readonly type: "warning"; readonly message: string };

export type DemoEventType = DemoEvent["type"];
