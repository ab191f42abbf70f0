/**
 * A structured view of the official metrics for tables and charts: the flat `GritMetrics` object →
 * `GritScores` (per measure and partition: mean, lower, upper, cnt).
 */
import { GRIT_CONCEPT_GROUPS, type GritConceptGroup } from "./concept-groups.js";
import { WITHIN_SOURCE_PARTITIONS, type WithinSourcePartition } from "./coverage.js";
import { GRIT_ALL_PARTITIONS, GRIT_PARTITIONS, type GritMetrics, type GritPartition } from "./metric.js";
import { GRIT_MEASURES, type GritMeasure } from "./sample-records.js";

/** A mean with its 95% interval; `cnt` is null for averaged scores (agg, `.all`, overall). */
export interface IntervalScore {
  readonly mean: number;
  readonly lower: number;
  readonly upper: number;
  readonly cnt: number | null;
}

export type GritAllPartition = (typeof GRIT_ALL_PARTITIONS)[number];

export interface GritScores {
  /** `params` (millions). */
  readonly params: number | null;
  /** `overall.*` = acc.any.agg.all (the leaderboard's ranking score, a 7-task average). */
  readonly overall: IntervalScore | null;
  /**
   * Localization, concept group "any": measure → partition → score. Partitions with N ≤ 1 or not covered are
   * absent; `sameCpt@newSrc`-style partitions come from a partial ground truth (`evaluateCoveredLocalization`).
   */
  readonly loc: Readonly<
    Record<GritMeasure, Readonly<Partial<Record<GritPartition | WithinSourcePartition, IntervalScore>>>>
  >;
  /** 7-task averages (`.all`): measure → partition → score. */
  readonly all: Readonly<Record<GritMeasure, Readonly<Partial<Record<GritAllPartition, IntervalScore>>>>>;
  /** acc agg per concept group, for the groups that have one. */
  readonly groups: Readonly<Partial<Record<GritConceptGroup, IntervalScore>>>;
}

function read(metrics: GritMetrics, prefix: string): IntervalScore | null {
  const mean = metrics[`${prefix}.mean`];
  if (mean === undefined) return null;
  return {
    mean,
    lower: metrics[`${prefix}.lower`],
    upper: metrics[`${prefix}.upper`],
    cnt: metrics[`${prefix}.cnt`] ?? null,
  };
}

function byPartition<P extends string>(
  metrics: GritMetrics,
  partitions: readonly P[],
  prefix: (p: P) => string,
): Partial<Record<P, IntervalScore>> {
  const out: Partial<Record<P, IntervalScore>> = {};
  for (const p of partitions) {
    const score = read(metrics, prefix(p));
    if (score !== null) out[p] = score;
  }
  return out;
}

/**
 * Structures a metrics object (rounded or not) by measure and partition.
 *
 * @example
 * const scores = toGritScores(evaluateLocalization(options));
 * scores.loc.acc.newCpt?.mean; // zero-shot accuracy
 */
export function toGritScores(metrics: GritMetrics): GritScores {
  const loc = {} as Record<
    GritMeasure,
    Partial<Record<GritPartition | WithinSourcePartition, IntervalScore>>
  >;
  const all = {} as Record<GritMeasure, Partial<Record<GritAllPartition, IntervalScore>>>;
  for (const m of GRIT_MEASURES) {
    loc[m] = byPartition(
      metrics,
      [...GRIT_PARTITIONS, ...WITHIN_SOURCE_PARTITIONS],
      (p) => `${m}.any.${p}.loc`,
    );
    all[m] = byPartition(metrics, GRIT_ALL_PARTITIONS, (p) => `${m}.any.${p}.all`);
  }
  return {
    params: metrics.params ?? null,
    overall: read(metrics, "overall"),
    loc,
    all,
    groups: byPartition(metrics, GRIT_CONCEPT_GROUPS, (g) => `acc.${g}.agg.loc`),
  };
}
