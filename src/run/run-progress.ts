/**
 * Progress figures for displays (CLI bar, notebook line): RunEvents → counts, this worker's samples/s over a
 * recent window, and an ETA from the whole run's recent pace (this worker plus the others).
 */
import type { RunCounts, RunEvent } from "./run-event.js";

export interface ProgressSnapshot extends RunCounts {
  /** Samples per second this worker finished over the recent window. */
  readonly rate: number;
  /** Seconds until the run is done at the recent pace of all workers; undefined until there is a pace. */
  readonly etaSeconds: number | undefined;
}

interface Mark {
  readonly at: number;
  readonly processed: number;
  readonly done: number;
}

/**
 * Feed it every event; read `snapshot()` whenever the display redraws.
 * @example
 * const meter = new ProgressMeter();
 * handle.on((event) => { meter.update(event); draw(meter.snapshot()); });
 */
export class ProgressMeter {
  private counts: RunCounts = { total: 0, done: 0, errors: 0, processed: 0, byOthers: 0 };
  private marks: Mark[] = [];

  /** @param windowMs how far back the pace is measured */
  constructor(
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  update(event: RunEvent): void {
    if (!("counts" in event)) return;
    this.counts = event.counts;
    const at = this.now();
    this.marks.push({ at, processed: event.counts.processed, done: event.counts.done });
    // Keep the window, but always two marks so a slow run still has a pace.
    while (this.marks.length > 2 && at - this.marks[1].at > this.windowMs) this.marks.shift();
    if (this.marks.length > 4096) this.marks = this.marks.filter((_, i) => i % 2 === 0);
  }

  snapshot(): ProgressSnapshot {
    const first = this.marks[0];
    const last = this.marks.at(-1);
    const seconds = first !== undefined && last !== undefined ? (last.at - first.at) / 1000 : 0;
    const rate = seconds > 0 ? (last!.processed - first!.processed) / seconds : 0;
    const pace = seconds > 0 ? (last!.done - first!.done) / seconds : 0;
    const left = this.counts.total - this.counts.done;
    const etaSeconds = left === 0 ? 0 : pace > 0 ? left / pace : undefined;
    return { ...this.counts, rate, etaSeconds };
  }
}

/** "1h02m", "4m05s", "12s", or "?" when unknown. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h}h${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}
