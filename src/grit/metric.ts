/**
 * The official GRIT localization metrics (`evaluate.py` at allenai/grit_official f1860b39, localization-only
 * submission): samples with ground truth + predictions + lemma2groups → the flat metrics object the script
 * writes (`{metric}.{cgroup}.{partition}.{task}.{stat}`, `overall.*`, `params`), every key and quirk included.
 */
import { countNoun } from "../count-noun.js";
import { GritlocError } from "../errors.js";
import { createLogger } from "../logger.js";
import { findBoxesOutsideImage, formatBoxesOutsideImage } from "./boxes-outside-image.js";
import { GRIT_CONCEPT_GROUPS, type Lemma2Groups } from "./concept-groups.js";
import { averageBounds, type PartitionStats, partitionStats } from "./partition-stats.js";
import { roundHalfEven } from "./round-half-even.js";
import {
  computeSampleRecords,
  GRIT_MEASURES,
  type GritMeasure,
  type SampleRecord,
} from "./sample-records.js";
import type { GritSample } from "./samples.js";
import type { SubmissionEntry } from "./submission.js";
import { formatPredictionProblems, validatePredictions } from "./validate-predictions.js";

const log = createLogger("grit");

/** The partitions of the official metrics, in `evaluate.py`'s order. */
export const GRIT_PARTITIONS = [
  "sameSrc",
  "newSrc",
  "agg",
  "sameCpt",
  "newCpt",
  "dist",
  "undist",
  "deldist",
] as const;
export type GritPartition = (typeof GRIT_PARTITIONS)[number];

/** The partitions that get a 7-task `.all` average. */
export const GRIT_ALL_PARTITIONS = ["agg", "sameSrc", "newSrc", "dist", "undist", "deldist"] as const;

/** The seven GRIT tasks by abbreviation, in `evaluate.py`'s order; only "loc" is scored here. */
const GRIT_TASKS = ["cat", "loc", "vqa", "ref", "seg", "kp", "sn"] as const;

/** Where the leaderboards are (ground truth for ablation/test is hidden). */
export const GRIT_LEADERBOARDS =
  "https://leaderboard.allenai.org/grit-ablation-restricted (also -unrestricted, and grit-test-*)";

/** The metrics object exactly as `evaluate.py` writes it (keys sorted). */
export type GritMetrics = Readonly<Record<string, number>>;

export interface EvaluateLocalizationOptions {
  /** Samples in the extended format (with `groundTruth` and `meta`). */
  readonly samples: readonly GritSample[];
  /**
   * One entry per sample. As in `evaluate.py`, ids not in the samples are ignored and inverted boxes score as
   * zero-area boxes (each with a warning through the logger).
   */
  readonly predictions: readonly SubmissionEntry[];
  /** lemma → groups; without it every lemma is ungrouped and no per-group keys appear. */
  readonly lemma2groups?: Lemma2Groups;
  /**
   * Written as `params` = int(paramsInMillions) (truncated, as `evaluate.py` does: 87.9 → 87). Without it the
   * `params` key is left out: it is only reported, never part of a score.
   */
  readonly paramsInMillions?: number;
  /**
   * Apply the official 4-decimal rounding (default true). With false, everything else (rmse square roots,
   * clamping to [0, 100]) still happens: this matches the fixtures' `metrics_unrounded.json`.
   * @default true
   */
  readonly round?: boolean;
  /**
   * `evaluate.py` fails (KeyError) when a partition needed for the 7-task averages (agg/sameSrc/newSrc/dist/
   * undist/deldist) has fewer than 2 samples, e.g. a local set without distortions. With true, those `.all`
   * keys (and `overall.*` when agg is missing) are left out instead.
   * @default false
   */
  readonly allowMissingPartitions?: boolean;
}

function partitionValues(
  records: readonly SampleRecord[],
  measure: GritMeasure,
  partition: GritPartition,
): number[] {
  switch (partition) {
    case "sameSrc":
    case "newSrc":
      return records.filter((r) => r.src === partition && r.dist === "undist").map((r) => r.values[measure]);
    case "sameCpt":
    case "newCpt":
      return records.filter((r) => r.cpt === partition && r.dist === "undist").map((r) => r.values[measure]);
    case "dist":
      // All distorted samples, including orphans without an undistorted twin.
      return records.filter((r) => r.dist === "dist").map((r) => r.values[measure]);
    case "undist":
      // Quirk: only the undistorted samples that have a distorted twin ("undistp"), not all undistorted ones.
      return records.filter((r) => r.undistp).map((r) => r.values[measure]);
    case "deldist": {
      // Paired difference twin − distorted; the twin is found by cutting 5 characters off the distorted id.
      const distorted = new Map<string, number>();
      for (const r of records)
        if (r.dist === "dist") distorted.set(r.exampleId.slice(0, -5), r.values[measure]);
      return records.filter((r) => r.undistp).map((r) => r.values[measure] - distorted.get(r.exampleId)!);
    }
    case "agg":
      throw new Error("agg is averaged from sameSrc/newSrc, not selected");
  }
}

function checkInputs(options: EvaluateLocalizationOptions): void {
  const { samples, paramsInMillions } = options;
  if (!Array.isArray(samples) || samples.length === 0) {
    throw new GritlocError("E_SAMPLES_INVALID", "No samples to score: the samples list is empty.");
  }
  const withoutTruth = samples.filter((s) => s.groundTruth === undefined || s.meta === undefined);
  if (withoutTruth.length > 0) {
    throw new GritlocError(
      "E_SAMPLES_INVALID",
      `${withoutTruth.length} of ${samples.length} samples have no ground truth or meta (e.g. ` +
        `${JSON.stringify(withoutTruth[0].exampleId)}). Scoring needs samples in the extended ` +
        "{input, output, meta} format. The GRIT ablation/test ground truth is hidden: score those predictions " +
        `on the leaderboard (${GRIT_LEADERBOARDS}) with a zip from \`gritloc submit\`.`,
    );
  }
  const otherTask = samples.find((s) => s.taskName !== "localization");
  if (otherTask !== undefined) {
    throw new GritlocError(
      "E_SAMPLES_INVALID",
      `Sample ${JSON.stringify(otherTask.exampleId)} has task_name ${JSON.stringify(otherTask.taskName)}; ` +
        "only localization samples can be scored. Use samples/<subset>/localization.json.",
    );
  }
  if (
    paramsInMillions !== undefined &&
    (typeof paramsInMillions !== "number" || !Number.isFinite(paramsInMillions) || paramsInMillions < 0)
  ) {
    throw new GritlocError(
      "E_INVALID_OPTION",
      `Expected a non-negative number for paramsInMillions but received ${String(paramsInMillions)}`,
    );
  }
}

function predictionMap(options: EvaluateLocalizationOptions): Map<string, SubmissionEntry> {
  const problems = validatePredictions(options.samples, options.predictions);
  // evaluate.py never looks at predictions it has no sample for, and scores inverted boxes as zero-area ones.
  const unknown = problems.filter((p) => p.kind === "unknown");
  const inverted = problems.filter((p) => p.kind === "inverted_box");
  const blocking = problems.filter((p) => p.kind !== "unknown" && p.kind !== "inverted_box");
  if (blocking.length > 0) {
    throw new GritlocError(
      "E_PREDICTIONS_INVALID",
      `${formatPredictionProblems(blocking, "in the predictions to score")}\n` +
        "Fix the predictions (`gritloc validate` lists every problem).",
      { details: blocking },
    );
  }
  if (unknown.length > 0) {
    log.warn(
      `ignoring ${countNoun(unknown.length, "prediction")} whose example_id is not in the samples ` +
        "(evaluate.py ignores them too)",
    );
  }
  if (inverted.length > 0) {
    const [verb, pronoun] = inverted.length === 1 ? ["has", "it scores"] : ["have", "they score"];
    log.warn(
      `${countNoun(inverted.length, "box", "boxes")} ${verb} x2 < x1 or y2 < y1; ${pronoun} IoU 0 ` +
        "(a submission zip would reject them)",
    );
  }
  const outside = findBoxesOutsideImage(options.samples, options.predictions);
  if (outside.length > 0) log.warn(formatBoxesOutsideImage(outside));
  return new Map(options.predictions.map((p) => [p.exampleId, p]));
}

/** Quirk handling of the final loop of evaluate.py: rmse square roots, clamping, rounding (see inline). */
function finalize(raw: ReadonlyMap<string, number>, round: boolean): Record<string, number> {
  const r = round ? (v: number) => roundHalfEven(v, 4) : (v: number) => v;
  const out: Record<string, number> = {};
  for (const key of [...raw.keys()].sort()) {
    let v = raw.get(key)!;
    if (key === "params") {
      out[key] = Math.trunc(v); // int(params_in_millions)
      continue;
    }
    const parts = key.split(".");
    const overall = parts[0] === "overall";
    const partition = overall ? "overall" : parts[2];
    const stat = overall ? parts[1] : parts[4];
    if (!overall && parts[0] === "rmse" && stat !== "cnt") {
      // rmse records hold squared errors: the square root comes after averaging; lower is clamped at 0 first.
      if (stat === "lower" && partition !== "deldist") v = Math.max(0, v);
      v = Math.sqrt(v);
    }
    // Quirk: deldist keys are only rounded, never clamped (they may be negative, even -0); rounding is numpy's
    // half-to-even on v·1e4; min/max make upper ≤ 100 and lower ≥ 0 for everything else.
    if (partition === "deldist") out[key] = r(v);
    else if (stat === "upper") out[key] = r(Math.min(100, v));
    else if (stat === "lower") out[key] = r(Math.max(0, v));
    else if (stat === "mean") out[key] = r(v);
    else out[key] = v; // cnt stays an integer
  }
  return out;
}

/**
 * Scores localization predictions exactly as the official `evaluate.py` does for a submission with only
 * `localization.json`, and returns the same keys and values (see the fixture README for each rule):
 * per-sample acc/inf/misinf/conf/sa/rmse; partitions sameSrc/newSrc/sameCpt/newCpt (undistorted only), dist,
 * undist, deldist with t-intervals; `agg` (z-interval over sameSrc and newSrc); `acc.<group>.agg.loc` for the
 * 24 concept groups; `.all` 7-task averages in which the six other tasks count as missing (mean 0, variance 0);
 * `overall` = acc.any.agg.all; `params`; then rmse square roots, clamping and rounding.
 *
 * @throws GritlocError E_SAMPLES_INVALID (no ground truth, a non-localization sample, or a partition too small
 *   for the `.all` averages), E_PREDICTIONS_INVALID (missing/duplicate ids, bad values), E_INVALID_OPTION.
 * @example
 * const metrics = evaluateLocalization({ samples, predictions, lemma2groups, paramsInMillions: 428 });
 * metrics["acc.any.agg.loc.mean"]; // the headline localization accuracy
 */
export function evaluateLocalization(options: EvaluateLocalizationOptions): GritMetrics {
  return aggregateSampleRecords(scoreSamples(options), options);
}

/**
 * The per-sample half of `evaluateLocalization`: checks the inputs as it does, then scores every sample.
 * @throws GritlocError as `evaluateLocalization`.
 */
export function scoreSamples(options: EvaluateLocalizationOptions): SampleRecord[] {
  checkInputs(options);
  const { samples, lemma2groups = new Map() } = options;
  return computeSampleRecords(samples, predictionMap(options), lemma2groups);
}

/** What `aggregateSampleRecords` needs besides the records (see `EvaluateLocalizationOptions`). */
export type AggregateOptions = Pick<
  EvaluateLocalizationOptions,
  "paramsInMillions" | "round" | "allowMissingPartitions"
>;

/**
 * The aggregation half of `evaluateLocalization`: per-sample records (checked and scored by `scoreSamples`) →
 * the metrics object. A subset of the records aggregates as a samples file holding only those samples would,
 * provided each record's `undistp` still holds within the subset (its `_dist` twin is in it too).
 */
export function aggregateSampleRecords(
  records: readonly SampleRecord[],
  options: AggregateOptions,
): GritMetrics {
  const { paramsInMillions, round = true } = options;
  const allowMissing = options.allowMissingPartitions === true;
  // Quirk: only the 24 GRIT groups are reported; "_ungrouped_" (lemma not in lemma2groups) and any other group
  // name (e.g. "not_a_grit_group") are dropped, and a lemma mapped to [] adds no group.
  const cgroups: [string, readonly SampleRecord[]][] = [
    ["any", records],
    ...GRIT_CONCEPT_GROUPS.map((g): [string, SampleRecord[]] => [
      g,
      records.filter((r) => r.groups.includes(g)),
    ]),
  ];

  const raw = new Map<string, number>();
  const stats = new Map<string, PartitionStats>();
  for (const measure of GRIT_MEASURES) {
    for (const [cgroup, groupRecords] of cgroups) {
      for (const partition of GRIT_PARTITIONS) {
        // Quirk: groups other than "any" only get acc sameSrc/newSrc (to build agg), and rmse has no deldist.
        const grouped = cgroup !== "any";
        if (grouped && !(measure === "acc" && ["sameSrc", "newSrc", "agg"].includes(partition))) continue;
        if (measure === "rmse" && partition === "deldist") continue;
        const name = `${measure}.${cgroup}.${partition}.loc`;
        if (partition === "agg") {
          const same = stats.get(`${measure}.${cgroup}.sameSrc.loc`);
          const fresh = stats.get(`${measure}.${cgroup}.newSrc.loc`);
          if (same === undefined || fresh === undefined) continue; // agg only when both sources have N >= 2
          const avg = averageBounds(
            [same.mean, fresh.mean],
            [same.variance, fresh.variance],
            [same.cnt, fresh.cnt],
          );
          raw.set(`${name}.mean`, avg.mean).set(`${name}.upper`, avg.upper).set(`${name}.lower`, avg.lower);
          continue;
        }
        const s = partitionStats(partitionValues(groupRecords, measure, partition));
        if (s === null) continue; // N <= 1: no key at all
        stats.set(name, s);
        // Quirk: per-group sameSrc/newSrc keys are computed for agg and then deleted by evaluate.py.
        if (grouped) continue;
        raw.set(`${name}.cnt`, s.cnt).set(`${name}.mean`, s.mean).set(`${name}.upper`, s.upper);
        raw.set(`${name}.lower`, s.lower);
      }
    }
  }

  for (const measure of GRIT_MEASURES) {
    for (const partition of GRIT_ALL_PARTITIONS) {
      if (measure === "rmse" && partition === "deldist") continue;
      const wanted = partition === "agg" ? ["sameSrc", "newSrc"] : [partition];
      const loc = wanted.map((p) => stats.get(`${measure}.any.${p}.loc`));
      if (loc.some((s) => s === undefined)) {
        if (allowMissing) continue;
        const short = wanted.filter((_, i) => loc[i] === undefined).join(" and ");
        throw new GritlocError(
          "E_SAMPLES_INVALID",
          `The ${short} partition has fewer than 2 samples, so the official 7-task averages ` +
            `(${measure}.any.${partition}.all, overall) are undefined: evaluate.py stops with a KeyError here. ` +
            "Score a set with at least 2 samples per source and 2 distorted/undistorted pairs, or pass " +
            "allowMissingPartitions (CLI: --allow-missing-partitions) to leave those averages out.",
        );
      }
      const means: number[] = [];
      const variances: number[] = [];
      const counts: number[] = [];
      for (const task of GRIT_TASKS) {
        const parts = task === "loc" ? (loc as PartitionStats[]) : wanted.map(() => null);
        for (const s of parts) {
          // Quirk: each missing task contributes mean 0 and variance 0 (n = 100), once per partition it averages.
          means.push(s?.mean ?? 0);
          variances.push(s?.variance ?? 0);
          counts.push(s?.cnt ?? 100);
        }
      }
      const avg = averageBounds(means, variances, counts);
      const name = `${measure}.any.${partition}.all`;
      raw.set(`${name}.mean`, avg.mean).set(`${name}.upper`, avg.upper).set(`${name}.lower`, avg.lower);
    }
  }
  const overall = "acc.any.agg.all";
  if (raw.has(`${overall}.mean`)) {
    raw.set("overall.mean", raw.get(`${overall}.mean`)!);
    raw.set("overall.upper", raw.get(`${overall}.upper`)!);
    raw.set("overall.lower", raw.get(`${overall}.lower`)!);
  }
  if (paramsInMillions !== undefined) raw.set("params", paramsInMillions);
  return finalize(raw, round);
}
