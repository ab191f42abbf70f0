/**
 * Progress of one setup phase: counts done/failed items and downloaded bytes, and turns them into
 * `SetupEvent`s with rates and an ETA.
 */
import { RateMeter } from "./rate-meter.js";
import type { SetupEvent, SetupPhase } from "./setup-events.js";

export class PhaseProgress {
  done = 0;
  failed = 0;
  private bytes = 0;
  private readonly items = new RateMeter();
  private readonly transfer = new RateMeter();

  constructor(
    readonly phase: SetupPhase,
    readonly total: number,
    private readonly emit: (event: SetupEvent) => void,
  ) {}

  start(detail: string): void {
    this.items.record(0);
    this.transfer.record(0);
    this.emit({ type: "phase-start", phase: this.phase, total: this.total, detail });
  }

  addBytes(n: number): void {
    this.bytes += n;
  }

  note(message: string): void {
    this.emit({ type: "note", phase: this.phase, message });
  }

  /** One item finished; `ok` false counts it as failed. */
  item(ok: boolean): void {
    if (ok) this.done++;
    else this.failed++;
    const finished = this.done + this.failed;
    this.items.record(finished);
    this.transfer.record(this.bytes);
    this.emit({
      type: "item",
      phase: this.phase,
      done: this.done,
      failed: this.failed,
      total: this.total,
      bytes: this.bytes,
      bytesPerSecond: this.transfer.bytesPerSecond(),
      etaSeconds: this.items.etaSeconds(this.total),
    });
  }

  /** One item failed with `error`; reported and counted. */
  fail(imageId: string, error: { code?: string; message: string }): void {
    this.emit({
      type: "item-failed",
      phase: this.phase,
      imageId,
      code: error.code ?? "E_UNKNOWN",
      message: error.message,
    });
    this.item(false);
  }

  end(): void {
    this.emit({ type: "phase-end", phase: this.phase, done: this.done, failed: this.failed });
  }
}
