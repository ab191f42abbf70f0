/**
 * Partition statistics of the official aggregation (`evaluate.py`: `get_metric`, `compute_avg_bounds`):
 * per-sample values → mean, variance and a 95% interval; several partition means → their average with a
 * z-interval.
 */
import { pairwiseSum } from "./pairwise-sum.js";
import { studentTQuantile } from "./t-quantile.js";

/** t.ppf(0.975, df) by df: the six measures of a partition share N, and the series is O(df). */
const t975Cache = new Map<number, number>();

function t975(df: number): number {
  let q = t975Cache.get(df);
  if (q === undefined) {
    q = studentTQuantile(0.975, df);
    t975Cache.set(df, q);
  }
  return q;
}

export interface PartitionStats {
  readonly mean: number;
  /** Sample variance (ddof 1). */
  readonly variance: number;
  readonly lower: number;
  readonly upper: number;
  readonly cnt: number;
}

/**
 * Mean, ddof-1 variance and the t-interval `mean ∓ t.ppf(0.975, N−1)·(sem + 1e-6)` of one partition, computed as
 * pandas does (sum/N; Σ(mean − x)²/(N−1); sem = √var/√N). Returns null for N <= 1: evaluate.py then writes no key
 * for the partition at all (quirk: not even `cnt`). The 1e-6 gives a constant partition a width of ~2e-6.
 */
export function partitionStats(values: readonly number[]): PartitionStats | null {
  const n = values.length;
  if (n <= 1) return null;
  const mean = pairwiseSum(values) / n;
  const squares = values.map((x) => (mean - x) ** 2);
  const variance = pairwiseSum(squares) / (n - 1);
  const sem = Math.sqrt(variance) / Math.sqrt(n);
  const half = t975(n - 1) * (sem + 1e-6);
  return { mean, variance, lower: mean - half, upper: mean + half, cnt: n };
}

/** A mean with a z-interval; `agg` partitions and `.all` task averages have no count. */
export interface AveragedBounds {
  readonly mean: number;
  readonly lower: number;
  readonly upper: number;
}

/**
 * `compute_avg_bounds`: mean of the means, d = √(Σ var_i/n_i) / k (k = number of entries), bounds mean ± 1.96·d.
 * No epsilon here, unlike `partitionStats`.
 */
export function averageBounds(
  means: readonly number[],
  variances: readonly number[],
  counts: readonly number[],
): AveragedBounds {
  const k = counts.length;
  const d = Math.sqrt(pairwiseSum(variances.map((v, i) => v / counts[i]))) / k;
  const mean = pairwiseSum(means) / k;
  return { mean, lower: mean - 1.96 * d, upper: mean + 1.96 * d };
}
