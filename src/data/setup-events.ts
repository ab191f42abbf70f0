/**
 * Setup progress: the events `setupGrit` and `verifyGritImages` report (a union keyed on `type`); the CLI
 * draws them with cli-progress, a notebook prints them, tests count them.
 */
import type { DownloadEvent } from "./download-events.js";

/** The steps of a setup run ("annotations": the public annotation files `gritloc proxy build` reads). */
export type SetupPhase =
  | "samples"
  | "annotations"
  | "coco"
  | "nyuv2"
  | "open_images"
  | "distorted"
  | "verify";

/** A phase begins with `total` items to do (0 = nothing to do, everything present). */
export interface PhaseStartEvent {
  readonly type: "phase-start";
  readonly phase: SetupPhase;
  readonly total: number;
  /** One line saying what happens, e.g. "fetching 812 missing images from http://images.cocodataset.org". */
  readonly detail: string;
}

/** An item of the phase finished (successfully or not). */
export interface ItemEvent {
  readonly type: "item";
  readonly phase: SetupPhase;
  readonly done: number;
  readonly failed: number;
  readonly total: number;
  /** Bytes downloaded in this phase so far and the recent rate (0 for phases that download nothing). */
  readonly bytes: number;
  readonly bytesPerSecond: number;
  /** Seconds left at the recent item rate; null when unknown. */
  readonly etaSeconds: number | null;
}

/** One image could not be fetched or made; the run goes on and the report lists it. */
export interface ItemFailedEvent {
  readonly type: "item-failed";
  readonly phase: SetupPhase;
  readonly imageId: string;
  readonly code: string;
  readonly message: string;
}

/** Progress of an archive download (samples zip, deltas tar.gz, NYUv2 .mat, COCO zip). */
export interface ArchiveDownloadEvent {
  readonly type: "download";
  readonly phase: SetupPhase;
  /** The archive's file name, e.g. "grit_data.zip". */
  readonly file: string;
  readonly event: DownloadEvent;
}

/** Something the user should know, e.g. that the COCO zip fallback is used. */
export interface NoteEvent {
  readonly type: "note";
  readonly phase: SetupPhase;
  readonly message: string;
}

export interface PhaseEndEvent {
  readonly type: "phase-end";
  readonly phase: SetupPhase;
  readonly done: number;
  readonly failed: number;
}

export type SetupEvent =
  | PhaseStartEvent
  | ItemEvent
  | ItemFailedEvent
  | ArchiveDownloadEvent
  | NoteEvent
  | PhaseEndEvent;
