/**
 * Download progress: the events `downloadFile` reports (a union keyed on `type`), for CLI bars, notebook
 * displays and tests alike.
 */
import type { DownloadResult } from "./download-file.js";

/** A download began (or resumed from `resumeFrom` bytes of a `.part` file). */
export interface DownloadStartEvent {
  readonly type: "download-start";
  readonly url: string;
  readonly path: string;
  readonly resumeFrom: number;
  /** Total bytes when the server said (Content-Length / Content-Range), else null. */
  readonly total: number | null;
}

/** Bytes arrived; at most a few per second per download. */
export interface DownloadProgressEvent {
  readonly type: "download-progress";
  readonly url: string;
  readonly path: string;
  /** Bytes of the file present so far (including resumed bytes). */
  readonly bytes: number;
  readonly total: number | null;
  /** Recent rate over the last few seconds. */
  readonly bytesPerSecond: number;
  /** Seconds left at the recent rate; null when the total or the rate is unknown. */
  readonly etaSeconds: number | null;
}

/** An attempt failed and will be retried after `delayMs`. */
export interface DownloadRetryEvent {
  readonly type: "download-retry";
  readonly url: string;
  readonly path: string;
  /** The attempt that failed, from 1. */
  readonly attempt: number;
  readonly delayMs: number;
  readonly reason: string;
}

/** The file is in place and checked: the download's result, as `downloadFile` returns it. */
export interface DownloadDoneEvent extends DownloadResult {
  readonly type: "download-done";
}

export type DownloadEvent =
  | DownloadStartEvent
  | DownloadProgressEvent
  | DownloadRetryEvent
  | DownloadDoneEvent;
