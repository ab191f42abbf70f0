/**
 * Which GRIT partitions a sample (with `meta`) falls in, as `evaluate.py` selects them: samples → the ids of
 * undistorted samples with a distorted twin, and sample + partition → in or out.
 */
import type { GritPartition } from "./metric.js";
import type { GritSample } from "./samples.js";

/** Length of the "_dist" suffix that `evaluate.py` strips (blindly, by length) from distorted ids. */
const DIST_SUFFIX_LENGTH = "_dist".length;

/**
 * Ids of the undistorted samples that have a distorted twin ("undistp"). Quirk (evaluate.py
 * get_parallel_undist_example_ids): the last 5 characters of every distorted sample's id are cut off whether
 * or not they are "_dist".
 */
export function undistortedTwinIds(samples: readonly GritSample[]): Set<string> {
  return new Set(
    samples.filter((s) => s.meta!.isDistorted).map((s) => s.exampleId.slice(0, -DIST_SUFFIX_LENGTH)),
  );
}

/**
 * Whether `sample` counts in `partition`: sameSrc/newSrc/sameCpt/newCpt and agg take undistorted samples only,
 * dist every distorted one, undist and deldist the undistorted samples with a distorted twin (`twinIds`, from
 * `undistortedTwinIds`).
 */
export function inPartition(
  sample: GritSample,
  partition: GritPartition,
  twinIds: ReadonlySet<string>,
): boolean {
  const meta = sample.meta!;
  switch (partition) {
    case "sameSrc":
      return !meta.isDistorted && !meta.isNewSource;
    case "newSrc":
      return !meta.isDistorted && meta.isNewSource;
    case "agg":
      return !meta.isDistorted;
    case "sameCpt":
      return !meta.isDistorted && !meta.hasNewConcept;
    case "newCpt":
      return !meta.isDistorted && meta.hasNewConcept;
    case "dist":
      return meta.isDistorted;
    case "undist":
    case "deldist":
      return twinIds.has(sample.exampleId);
  }
}
