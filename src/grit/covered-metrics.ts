/**
 * Official metrics restricted to what a ground-truth file covers: samples + predictions + `GritCoverage` →
 * the official keys of the covered partitions (values exactly as evaluate.py computes them on those samples),
 * plus `{measure}.any.{sameCpt|newCpt}@{source}.loc.*` when only one source partition is covered. Keys of
 * partitions that are not covered are absent; `withNullsForUncovered` lists them as null for JSON.
 */
import { GRIT_CONCEPT_GROUPS } from "./concept-groups.js";
import { type GritCoverage, WITHIN_SOURCE_PARTITIONS } from "./coverage.js";
import {
  aggregateSampleRecords,
  type EvaluateLocalizationOptions,
  evaluateLocalization,
  GRIT_ALL_PARTITIONS,
  GRIT_PARTITIONS,
  type GritMetrics,
  scoreSamples,
} from "./metric.js";
import { GRIT_MEASURES } from "./sample-records.js";

/** The partition a metrics key belongs to ("overall" for overall.*, null for params). */
function keyPartition(key: string): string | null {
  if (key === "params") return null;
  if (key.startsWith("overall.")) return "overall";
  return key.split(".")[2];
}

/**
 * Scores what `coverage` covers. With full coverage this is `evaluateLocalization` itself. Otherwise missing
 * partitions never stop it (no `.all` average or `overall` is made from one source), and sameCpt/newCpt
 * within the covered source are what a samples file holding only that source's undistorted samples gives.
 *
 * @throws GritlocError as `evaluateLocalization` (except for partitions with fewer than 2 samples).
 * @example
 * const metrics = evaluateCoveredLocalization({ samples, predictions, paramsInMillions: 428 }, coverage);
 * metrics["acc.any.newCpt@newSrc.loc.mean"]; // zero-shot accuracy within newSrc
 */
export function evaluateCoveredLocalization(
  options: EvaluateLocalizationOptions,
  coverage: GritCoverage,
): GritMetrics {
  if (coverage.full) return evaluateLocalization(options);
  const aggregate = { ...options, allowMissingPartitions: true };
  const records = scoreSamples(options);
  const covered = (partition: string) =>
    coverage.partitions[partition as keyof GritCoverage["partitions"]]?.covered === true;
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(aggregateSampleRecords(records, aggregate))) {
    const partition = keyPartition(key);
    // overall is acc.any.agg.all, and per-group keys are agg: both exist only when agg is covered.
    if (partition === null || covered(partition === "overall" ? "agg" : partition)) out[key] = value;
  }
  const within = coverage.within;
  if (within !== null) {
    // The source's undistorted samples on their own: no distorted twin, so no undist/deldist pairing.
    const inSource = records
      .filter((r) => r.src === within && r.dist === "undist")
      .map((r) => ({ ...r, undistp: false }));
    for (const [key, value] of Object.entries(aggregateSampleRecords(inSource, aggregate))) {
      const parts = key.split(".");
      if (parts[1] !== "any" || parts[3] !== "loc" || (parts[2] !== "sameCpt" && parts[2] !== "newCpt"))
        continue;
      const partition = `${parts[2]}@${within}`;
      if (covered(partition)) out[[parts[0], parts[1], partition, ...parts.slice(3)].join(".")] = value;
    }
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Every key the official metrics can have (cgroup any, the 24 groups' agg, `.all`, overall, params). */
function officialKeySpace(): string[] {
  const keys = ["params", "overall.mean", "overall.upper", "overall.lower"];
  for (const measure of GRIT_MEASURES) {
    for (const partition of GRIT_PARTITIONS) {
      if (measure === "rmse" && partition === "deldist") continue;
      const stats = partition === "agg" ? ["mean", "upper", "lower"] : ["cnt", "mean", "upper", "lower"];
      for (const stat of stats) keys.push(`${measure}.any.${partition}.loc.${stat}`);
    }
    for (const partition of GRIT_ALL_PARTITIONS) {
      if (measure === "rmse" && partition === "deldist") continue;
      for (const stat of ["mean", "upper", "lower"]) keys.push(`${measure}.any.${partition}.all.${stat}`);
    }
  }
  for (const group of GRIT_CONCEPT_GROUPS) {
    for (const stat of ["mean", "upper", "lower"]) keys.push(`acc.${group}.agg.loc.${stat}`);
  }
  return keys;
}

/**
 * The metrics with every official key present: null where the partition is not covered or has fewer than 2
 * samples (evaluate.py would omit the key). The within-source keys of `coverage.within` are listed the same
 * way. Keys sorted, as evaluate.py writes them.
 */
export function withNullsForUncovered(
  metrics: GritMetrics,
  coverage: GritCoverage,
): Record<string, number | null> {
  const keys = new Set([...officialKeySpace(), ...Object.keys(metrics)]);
  if (coverage.within !== null) {
    for (const measure of GRIT_MEASURES) {
      for (const partition of WITHIN_SOURCE_PARTITIONS.filter((p) => p.endsWith(`@${coverage.within}`))) {
        for (const stat of ["cnt", "mean", "upper", "lower"])
          keys.add(`${measure}.any.${partition}.loc.${stat}`);
      }
    }
  }
  const out: Record<string, number | null> = {};
  for (const key of [...keys].sort()) out[key] = metrics[key] ?? null;
  return out;
}
