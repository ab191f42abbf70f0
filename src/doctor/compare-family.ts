/**
 * One family's check: its seeded model → graphs built and run on the chosen provider and precision, and on the
 * CPU in fp32 (the reference) → the largest difference of the compared outputs, whether the boxes agree, and
 * where ORT placed the chosen run's nodes.
 */
import { join } from "node:path";
import type { BoxXyxy } from "../grit/box.js";
import type { Localizer } from "../models/localizer.js";
import { createLocalizer, type LocalizerRuntime, type ModelSpec } from "../models/registry.js";
import type { Precision, Provider } from "../onnx/session.js";
import { prepareImage } from "../vision/prepare.js";
import { FAMILY_PROBES, type ModelFamily, type ProbeModel } from "./family-probes.js";
import { probePlacement } from "./ort-log-probe.js";
import { cpuPlacedOps, type ProviderPlacement } from "./placement-log.js";

/** An image of the mini set and the queries asked of it. */
export interface ProbeImage {
  readonly path: string;
  readonly queries: readonly string[];
}

export interface FamilyCheck {
  readonly family: ModelFamily;
  /** The seeded model, in words (its size). */
  readonly model: string;
  readonly provider: Provider;
  readonly precision: Precision;
  /** What was compared, e.g. "region and text embeddings". */
  readonly compared: string;
  /** Largest |chosen − CPU fp32| over the compared outputs of every probe image. */
  readonly maxAbsDiff: number;
  /** True when every query's boxes are identical to the CPU fp32 run's. */
  readonly sameBoxes: boolean;
  readonly queries: number;
  readonly sameBoxQueries: number;
  /** Op types ORT placed on the CPU although the chosen provider is CUDA (empty on the CPU provider). */
  readonly cpuPlacedOps: readonly { readonly opType: string; readonly count: number }[];
  /** Nodes per provider over the family's sessions, from ORT's placement log (null if it could not be read). */
  readonly placement: readonly ProviderPlacement[] | null;
  /** Why the placement could not be read, if so. */
  readonly placementError?: string;
  /** Seconds to write the model, build its graphs twice and run both. */
  readonly seconds: number;
}

export interface CompareFamilyOptions {
  readonly family: ModelFamily;
  /** The family's seeded model (`FAMILY_PROBES[family].model(...)`). */
  readonly model: ProbeModel;
  /** Where its graphs go. */
  readonly workDir: string;
  readonly provider: Provider;
  readonly precision: Precision;
  readonly images: readonly ProbeImage[];
  readonly threads?: number;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    // NaN in one run and not the other is the worst difference there is.
    if (!(d <= worst)) worst = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return worst;
}

async function runProbe(localizer: Localizer, options: CompareFamilyOptions) {
  const probe = FAMILY_PROBES[options.family];
  const runs: { values: Float32Array; boxes: readonly (readonly BoxXyxy[])[]; label: string }[] = [];
  for (const image of options.images) {
    const prepared = await prepareImage(image.path, localizer.prepareSpec);
    runs.push(await probe.outputs(localizer, prepared, image.queries));
  }
  return runs;
}

/** A localizer run once over the probe images, then disposed. */
async function outputsOf(runtime: LocalizerRuntime, spec: ModelSpec, options: CompareFamilyOptions) {
  const localizer = await createLocalizer(spec, runtime);
  try {
    return { runs: await runProbe(localizer, options), provider: localizer.info.provider };
  } finally {
    await localizer.dispose();
  }
}

/**
 * Checks one family; throws what the family's creation or run threw (the doctor reports it as a failure).
 * @example
 * const model = FAMILY_PROBES.owlvit.model(join(dir, "models"), "default", vocab);
 * const check = await compareFamily({ family: "owlvit", model, workDir: dir, provider: "cpu", precision: "fp16", images });
 */
export async function compareFamily(options: CompareFamilyOptions): Promise<FamilyCheck> {
  const start = performance.now();
  const { model } = options;
  const cacheDir = join(options.workDir, "graphs");
  const threads = options.threads === undefined ? {} : { threads: options.threads };
  const reference = await outputsOf(
    { provider: "cpu", precision: "fp32", cacheDir, ...threads },
    model.spec,
    options,
  );
  const runtime: LocalizerRuntime = {
    provider: options.provider,
    precision: options.precision,
    cacheDir,
    ...threads,
  };
  const chosen = await outputsOf(runtime, model.spec, options);
  let worst = 0;
  let queries = 0;
  let sameBoxQueries = 0;
  for (const [i, run] of chosen.runs.entries()) {
    worst = Math.max(worst, maxAbsDiff(run.values, reference.runs[i].values));
    for (const [q, boxes] of run.boxes.entries()) {
      queries++;
      if (JSON.stringify(boxes) === JSON.stringify(reference.runs[i].boxes[q])) sameBoxQueries++;
    }
  }
  let placement: readonly ProviderPlacement[] | null = null;
  let placementError: string | undefined;
  try {
    placement = (await probePlacement(model.spec, runtime)).providers;
  } catch (error) {
    placementError = (error as Error).message;
  }
  const onCuda = chosen.provider === "cuda";
  return {
    family: options.family,
    model: model.description,
    provider: chosen.provider,
    precision: options.precision,
    compared: chosen.runs[0]?.label ?? "nothing",
    maxAbsDiff: worst,
    sameBoxes: sameBoxQueries === queries,
    queries,
    sameBoxQueries,
    cpuPlacedOps: onCuda && placement !== null ? cpuPlacedOps({ sessions: 0, providers: placement }) : [],
    placement,
    ...(placementError === undefined ? {} : { placementError }),
    seconds: (performance.now() - start) / 1000,
  };
}
