/**
 * `gritloc setup verify`: a GRIT root + samples file → every referenced image decoded, counts per source,
 * missing and corrupt images → setup-report.json. Fetches nothing and deletes nothing.
 */
import { resolve } from "node:path";
import { invalidOption } from "../errors.js";
import { loadSamples } from "../grit/samples.js";
import { samplesPath } from "./fetch-samples.js";
import { type GritDataManifest, loadGritManifest } from "./grit-manifest.js";
import { IMAGE_SOURCES, planImages } from "./plan-images.js";
import type { SetupEvent } from "./setup-events.js";
import { buildSetupReport, type SetupReport, writeSetupReport } from "./setup-report.js";
import { checkImages } from "./verify-images.js";

export interface VerifyGritOptions {
  readonly root: string;
  /** A samples file, or a subset name ("ablation" / "test") meaning `<root>/samples/<subset>/localization.json`. */
  readonly samples: string;
  /** Used to tell sources apart by image-id prefix. @default data-manifests/grit.json */
  readonly manifest?: string | GritDataManifest;
  /** Images decoded at once. @default 4 */
  readonly concurrency?: number;
  /** Decode every image, ignoring the record of images verified before. @default true */
  readonly full?: boolean;
  readonly onEvent?: (event: SetupEvent) => void;
  readonly signal?: AbortSignal;
}

/**
 * Decodes every image the samples reference and writes `<root>/setup-report.json`.
 * @throws GritlocError E_INVALID_OPTION, E_NOT_FOUND (samples file), E_SAMPLES_INVALID.
 * @example
 * const report = await verifyGritImages({ root: "/content/grit", samples: "ablation" });
 * report.missing; // [] when complete
 */
export async function verifyGritImages(options: VerifyGritOptions): Promise<SetupReport> {
  if (typeof options.root !== "string" || options.root === "")
    throw invalidOption("root", "a folder path", options.root);
  if (typeof options.samples !== "string" || options.samples === "") {
    throw invalidOption("samples", "a samples file or a subset name", options.samples);
  }
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw invalidOption("concurrency", "a positive integer", concurrency);
  const root = resolve(options.root);
  const samplesFile =
    options.samples === "ablation" || options.samples === "test"
      ? samplesPath(root, options.samples, "localization")
      : resolve(options.samples);
  const manifest =
    typeof options.manifest === "object" ? options.manifest : await loadGritManifest(options.manifest);
  const samples = await loadSamples(samplesFile);
  const plan = planImages(samples, manifest);
  // Every image the samples name is decoded, whatever its source: verify fetches nothing, so it needs none.
  const check = await checkImages(
    root,
    { ...plan.referenced, other: plan.unknown },
    {
      concurrency,
      full: options.full ?? true,
      emit: options.onEvent ?? (() => {}),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    },
  );
  const report = buildSetupReport({
    root,
    samplesFile,
    samples: samples.length,
    plan,
    check,
    selected: new Set(IMAGE_SOURCES),
    errors: [],
    downloads: [],
  });
  await writeSetupReport(report);
  return report;
}
