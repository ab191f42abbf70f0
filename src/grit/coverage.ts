/**
 * Which partitions a ground-truth file can score: samples with meta → `GritCoverage` (sources present and
 * missing, and per partition: covered or not, sample count, why not). Partitions that draw on sources the file
 * lacks are not covered; when only one source partition is covered, sameCpt/newCpt are reported within it.
 */
import { GRIT_PARTITIONS, type GritPartition } from "./metric.js";
import { inPartition, undistortedTwinIds } from "./sample-partitions.js";
import type { GritSample } from "./samples.js";

/**
 * GRIT's localization sources (ablation and test, design §4) and what they feed: COCO test2015 is sameSrc and
 * holds every distorted sample; Open Images and NYUv2 make up newSrc.
 */
export const GRIT_LOCALIZATION_SOURCES: Readonly<
  Record<string, { readonly isNewSource: boolean; readonly hasDistorted: boolean }>
> = {
  coco_loc: { isNewSource: false, hasDistorted: true },
  open_images_loc: { isNewSource: true, hasDistorted: false },
  nyuv2_loc: { isNewSource: true, hasDistorted: false },
};

/** sameCpt/newCpt restricted to one source partition, reported when only that one is covered. */
export const WITHIN_SOURCE_PARTITIONS = [
  "sameCpt@sameSrc",
  "newCpt@sameSrc",
  "sameCpt@newSrc",
  "newCpt@newSrc",
] as const;
export type WithinSourcePartition = (typeof WITHIN_SOURCE_PARTITIONS)[number];
export type SourcePartition = "sameSrc" | "newSrc";

export interface PartitionCoverage {
  readonly covered: boolean;
  /** Samples of the ground truth in the partition (undist and deldist: the undistorted twins). */
  readonly samples: number;
  /** Why it is not covered; null when covered. */
  readonly reason: string | null;
}

export interface GritCoverage {
  /**
   * sameSrc and newSrc are both covered, so every partition means what it means on the full set: the metrics
   * are evaluate.py's, unchanged.
   */
  readonly full: boolean;
  /** Sources (`meta.data_source`) with samples, and GRIT sources the file lacks; both sorted. */
  readonly sources: { readonly covered: readonly string[]; readonly notCovered: readonly string[] };
  /** Every official partition, and the within-source ones when `within` is set. */
  readonly partitions: Readonly<Partial<Record<GritPartition | WithinSourcePartition, PartitionCoverage>>> &
    Readonly<Record<GritPartition, PartitionCoverage>>;
  /** The only covered source partition (sameCpt/newCpt are then reported within it), or null. */
  readonly within: SourcePartition | null;
}

const NO_SOURCE = "(no data_source)";

function count(samples: readonly GritSample[], keep: (s: GritSample) => boolean): number {
  let n = 0;
  for (const s of samples) if (keep(s)) n++;
  return n;
}

/**
 * Decides coverage. A source is covered when the file holds samples of it. A partition is covered when it has
 * at least one sample and holds all of its sources: when the file uses GRIT's source names, sameSrc needs
 * coco_loc, newSrc open_images_loc and nyuv2_loc, dist/undist/deldist coco_loc; agg, sameCpt and newCpt need both
 * source partitions covered (so do dist/undist/deldist in a set whose sources GRIT does not name, as nothing says
 * which source they come from). Every sample needs `meta` (the caller checks).
 *
 * @example
 * groundTruthCoverage(rebuiltSamples).partitions.newSrc.covered; // true; .sameSrc.covered: false
 */
export function groundTruthCoverage(samples: readonly GritSample[]): GritCoverage {
  const present = new Set(samples.map((s) => s.meta!.dataSource ?? NO_SOURCE));
  const isGritSet = [...present].some((source) => source in GRIT_LOCALIZATION_SOURCES);
  const missing = isGritSet ? Object.keys(GRIT_LOCALIZATION_SOURCES).filter((s) => !present.has(s)) : [];
  const missingFeeding = (feeds: (role: (typeof GRIT_LOCALIZATION_SOURCES)[string]) => boolean) =>
    missing.filter((s) => feeds(GRIT_LOCALIZATION_SOURCES[s]));

  const twinIds = undistortedTwinIds(samples);
  const counts = Object.fromEntries(
    GRIT_PARTITIONS.map((p) => [p, count(samples, (s) => inPartition(s, p, twinIds))]),
  ) as Record<GritPartition, number>;
  const decide = (samplesIn: number, lacking: readonly string[], other: string | null): PartitionCoverage => {
    if (lacking.length > 0) {
      return {
        covered: false,
        samples: samplesIn,
        reason: `needs ${lacking.join(" and ")}, which the ground truth lacks`,
      };
    }
    if (other !== null) return { covered: false, samples: samplesIn, reason: other };
    if (samplesIn === 0) return { covered: false, samples: 0, reason: "no sample in the ground truth" };
    return { covered: true, samples: samplesIn, reason: null };
  };

  const sameSrc = decide(
    counts.sameSrc,
    missingFeeding((r) => !r.isNewSource),
    null,
  );
  const newSrc = decide(
    counts.newSrc,
    missingFeeding((r) => r.isNewSource),
    null,
  );
  const full = sameSrc.covered && newSrc.covered;
  const oneSource = full
    ? null
    : `mixes sameSrc and newSrc, and ${sameSrc.covered ? "newSrc" : "sameSrc"} is not covered`;
  const distortionSources = isGritSet ? missingFeeding((r) => r.hasDistorted) : [];
  const distortionReason = isGritSet ? null : oneSource;
  const partitions: Partial<Record<GritPartition | WithinSourcePartition, PartitionCoverage>> = {
    sameSrc,
    newSrc,
    agg: decide(counts.agg, [], full ? null : "needs both sameSrc and newSrc covered"),
    sameCpt: decide(counts.sameCpt, [], oneSource),
    newCpt: decide(counts.newCpt, [], oneSource),
    dist: decide(counts.dist, distortionSources, distortionReason),
    undist: decide(counts.undist, distortionSources, distortionReason),
    deldist: decide(counts.deldist, distortionSources, distortionReason),
  };
  const within: SourcePartition | null = full
    ? null
    : sameSrc.covered
      ? "sameSrc"
      : newSrc.covered
        ? "newSrc"
        : null;
  if (within !== null) {
    const inSource = (s: GritSample) => inPartition(s, within, twinIds);
    partitions[`sameCpt@${within}`] = decide(
      count(samples, (s) => inSource(s) && !s.meta!.hasNewConcept),
      [],
      null,
    );
    partitions[`newCpt@${within}`] = decide(
      count(samples, (s) => inSource(s) && s.meta!.hasNewConcept),
      [],
      null,
    );
  }
  return {
    full,
    sources: { covered: [...present].sort(), notCovered: missing },
    partitions: partitions as GritCoverage["partitions"],
    within,
  };
}
