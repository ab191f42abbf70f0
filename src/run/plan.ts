/**
 * Work plan: samples → image groups → fixed-size chunks. Samples that share an image form one group (one
 * `localize` call); groups keep the order of each image's first sample; chunks are the unit workers claim.
 */

/** The fields of a GRIT sample the runner needs (a `GritSample` satisfies it). */
export interface PlanSample {
  readonly exampleId: string;
  readonly imageId: string;
  readonly taskQuery: string;
}

/** All samples of one image: one prepare + one `localize(prepared, queries)` call. */
export interface PlanGroup {
  readonly imageId: string;
  /** Indices into the samples array, ascending. */
  readonly sampleIndices: readonly number[];
}

/** A run of consecutive groups holding at least `chunkSize` samples (the last chunk may hold fewer). */
export interface PlanChunk {
  readonly index: number;
  /** Indices into `WorkPlan.groups`. */
  readonly firstGroup: number;
  readonly endGroup: number;
}

export interface WorkPlan {
  readonly samples: readonly PlanSample[];
  readonly groups: readonly PlanGroup[];
  readonly chunks: readonly PlanChunk[];
}

/**
 * Builds the plan every worker of a run agrees on: it depends only on the samples and `chunkSize`.
 * @example
 * const plan = buildPlan(samples, { chunkSize: 8 }); // plan.chunks[0] holds the first ≥ 8 samples
 */
export function buildPlan(samples: readonly PlanSample[], { chunkSize }: { chunkSize: number }): WorkPlan {
  const byImage = new Map<string, number[]>();
  for (let i = 0; i < samples.length; i++) {
    const imageId = samples[i].imageId;
    const indices = byImage.get(imageId);
    if (indices === undefined) byImage.set(imageId, [i]);
    else indices.push(i);
  }
  // Map iteration order is insertion order: images by their first sample.
  const groups: PlanGroup[] = [];
  for (const [imageId, sampleIndices] of byImage) groups.push({ imageId, sampleIndices });

  const chunks: PlanChunk[] = [];
  let firstGroup = 0;
  let count = 0;
  for (let g = 0; g < groups.length; g++) {
    count += groups[g].sampleIndices.length;
    if (count >= chunkSize || g === groups.length - 1) {
      chunks.push({ index: chunks.length, firstGroup, endGroup: g + 1 });
      firstGroup = g + 1;
      count = 0;
    }
  }
  return { samples, groups, chunks };
}

/** The sample indices of one chunk, in plan order. */
export function chunkSampleIndices(plan: WorkPlan, chunk: PlanChunk): number[] {
  const indices: number[] = [];
  for (let g = chunk.firstGroup; g < chunk.endGroup; g++) indices.push(...plan.groups[g].sampleIndices);
  return indices;
}
