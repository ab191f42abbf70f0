/**
 * Transfer rate: (time, byte count) samples → bytes/s over a sliding window and the ETA at that rate.
 */

/** Measures a recent rate; `now` is injectable for tests. */
export class RateMeter {
  private readonly samples: { t: number; bytes: number }[] = [];

  constructor(
    private readonly windowMs = 5000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Records that `bytes` (a running total) had arrived by now. */
  record(bytes: number): void {
    const t = this.now();
    this.samples.push({ t, bytes });
    while (this.samples.length > 2 && t - (this.samples[1] as { t: number }).t >= this.windowMs)
      this.samples.shift();
  }

  /** Bytes per second over the window (0 until two samples exist). */
  bytesPerSecond(): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (first === undefined || last === undefined || last.t <= first.t) return 0;
    return ((last.bytes - first.bytes) * 1000) / (last.t - first.t);
  }

  /** Seconds until `total` at the current rate; null when unknown. */
  etaSeconds(total: number | null): number | null {
    const last = this.samples[this.samples.length - 1];
    const rate = this.bytesPerSecond();
    if (total === null || last === undefined || rate <= 0) return null;
    return Math.max(0, (total - last.bytes) / rate);
  }
}
