/**
 * `gritloc gt build`: a GRIT root (set up with `gritloc setup`) + subset → an UNOFFICIAL rebuild of the
 * hidden localization ground truth for the Open Images and NYUv2 samples, from public annotations fetched
 * through the data manifest (verified, resumable): `ground-truth/<subset>/localization.json` in the
 * {input, output, meta} layout evaluate.py reads, and `ground-truth/<subset>/gt-report.json`.
 */
import { join, resolve } from "node:path";
import { writeFileAtomic } from "../atomic-file.js";
import { samplesPath } from "../data/fetch-samples.js";
import { type GritDataManifest, loadGritManifest } from "../data/grit-manifest.js";
import { sourceOf } from "../data/plan-images.js";
import { isPresent, type SetupContext, setupContext } from "../data/setup-context.js";
import type { SetupEvent } from "../data/setup-events.js";
import { GritlocError, invalidOption } from "../errors.js";
import { GT_REPORT_NAME } from "../grit/ground-truth-kind.js";
import { loadSamples } from "../grit/samples.js";
import { type GroundTruthRecord, serializeGroundTruth } from "./ground-truth-record.js";
import type { GtBuildItem, GtBuildState } from "./gt-build-state.js";
import type { GtReport } from "./gt-report.js";
import { type GtRules, resolveGtRules } from "./gt-rules.js";
import { resolveNyuv2Samples } from "./resolve-nyuv2-samples.js";
import { type OpenImagesSizeCheck, resolveOpenImagesSamples } from "./resolve-open-images-samples.js";
import { GT_SOURCES, type GtSource } from "./sample-id-layout.js";

export interface BuildGroundTruthOptions {
  /** The GRIT root `gritloc setup` filled (samples/, images/); ground-truth/ is written here. */
  readonly root: string;
  readonly subset: "ablation" | "test";
  /** Sources to rebuild. @default ["open_images", "nyuv2"] */
  readonly sources?: readonly GtSource[];
  /** A GRIT data manifest file (e.g. a mirror) or a parsed one. @default data-manifests/grit.json */
  readonly manifest?: string | GritDataManifest;
  /** Where annotation files are downloaded (and the NYUv2 .mat already is). @default `<root>/downloads` */
  readonly cacheDir?: string;
  /** Rebuild rules; unset ones take their defaults (see `GtRules`). */
  readonly rules?: Partial<GtRules>;
  /** Failed attempts in a row per file before giving up. @default 5 */
  readonly retries?: number;
  /** First retry delay in ms. @default 1000 */
  readonly retryDelayMs?: number;
  /** Download progress (`download` events, phase "open_images" or "nyuv2"). */
  readonly onEvent?: (event: SetupEvent) => void;
  readonly signal?: AbortSignal;
}

export interface GroundTruthBuild {
  /** `<root>/ground-truth/<subset>/localization.json` */
  readonly groundTruthPath: string;
  /** `<root>/ground-truth/<subset>/gt-report.json` */
  readonly reportPath: string;
  readonly report: GtReport;
  /** The records written, in the samples' order. */
  readonly records: readonly GroundTruthRecord[];
}

/** The ground-truth folder of a subset under a GRIT root. */
export function groundTruthDir(root: string, subset: string): string {
  return join(root, "ground-truth", subset);
}

function checkOptions(options: BuildGroundTruthOptions): void {
  if (typeof options !== "object" || options === null)
    throw invalidOption("options", "{ root, subset }", options);
  if (typeof options.root !== "string" || options.root === "")
    throw invalidOption("root", "a folder path", options.root);
  if (options.subset !== "ablation" && options.subset !== "test") {
    throw invalidOption("subset", '"ablation" or "test"', options.subset);
  }
  if (options.sources !== undefined) {
    if (!Array.isArray(options.sources) || options.sources.length === 0)
      throw invalidOption("sources", `a non-empty list of ${GT_SOURCES.join(", ")}`, options.sources);
    for (const source of options.sources) {
      if (!GT_SOURCES.includes(source))
        throw invalidOption("sources", `a list of ${GT_SOURCES.join(", ")}`, source);
    }
  }
}

/**
 * Rebuilds the ground truth of one subset (see the file header). Samples of other sources (COCO test2015,
 * whose annotations were never published) are counted in the report as not rebuilt; samples that cannot be
 * resolved get no record and are listed with the reason. Nothing is dropped silently.
 *
 * @throws GritlocError E_INVALID_OPTION for bad options or rules, E_NOT_FOUND when the samples file is missing
 *   (run `gritloc setup` first), E_MANIFEST_INVALID without the manifest's groundTruth section, E_DOWNLOAD /
 *   E_CHECKSUM for an annotation file, E_DATA_INVALID for a malformed one.
 * @example
 * const build = await buildGroundTruth({ root: "/content/grit", subset: "ablation" });
 * build.report.totals; // { samples: 21078, records: …, empty: …, unresolved: …, notRebuilt: 3885 }
 */
export async function buildGroundTruth(options: BuildGroundTruthOptions): Promise<GroundTruthBuild> {
  checkOptions(options);
  const rules = resolveGtRules(options.rules);
  const root = resolve(options.root);
  const origin = typeof options.manifest === "string" ? options.manifest : "data-manifests/grit.json";
  const manifest =
    typeof options.manifest === "object" ? options.manifest : await loadGritManifest(options.manifest);
  const samplesFile = samplesPath(root, options.subset, "localization");
  if (!(await isPresent(samplesFile))) {
    throw new GritlocError(
      "E_NOT_FOUND",
      `${samplesFile} is missing. Run \`gritloc setup grit --root ${options.root} --subset ${options.subset}\` first.`,
    );
  }
  const samples = await loadSamples(samplesFile);
  const selected = new Set<GtSource>(options.sources ?? GT_SOURCES);
  const ctx: SetupContext = {
    ...setupContext(root, { ...options, concurrency: 1, zipExtractor: "auto" }),
    manifest,
  };
  const build: GtBuildState = { rules, ctx, records: new Map(), unresolved: [], counts: {} };
  const bySource: Record<GtSource, GtBuildItem[]> = { open_images: [], nyuv2: [] };
  const notRebuilt: Record<string, number> = {};
  samples.forEach((sample, index) => {
    const source = sourceOf(sample.imageId, manifest) ?? "unknown";
    if (source === "open_images" || source === "nyuv2") {
      if (selected.has(source)) {
        bySource[source].push({ index, sample });
        return;
      }
    }
    notRebuilt[source] = (notRebuilt[source] ?? 0) + 1;
  });
  let openImagesSizes: OpenImagesSizeCheck | null = null;
  if (bySource.open_images.length > 0)
    openImagesSizes = await resolveOpenImagesSamples(build, bySource.open_images, manifest, origin);
  if (bySource.nyuv2.length > 0) await resolveNyuv2Samples(build, bySource.nyuv2, manifest);

  const records = [...build.records.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
  const dir = groundTruthDir(root, options.subset);
  const groundTruthPath = join(dir, "localization.json");
  const reportPath = join(dir, GT_REPORT_NAME);
  const order = new Map(samples.map((s, i) => [s.exampleId, i]));
  build.unresolved.sort((a, b) => (order.get(a.exampleId) ?? 0) - (order.get(b.exampleId) ?? 0));
  const report: GtReport = {
    schemaVersion: 1,
    kind: "rebuilt",
    generator: "gritloc gt build",
    unofficial: true,
    createdAt: new Date().toISOString(),
    subset: options.subset,
    samplesFile,
    groundTruthFile: groundTruthPath,
    rules,
    sources: GT_SOURCES.filter((s) => selected.has(s)),
    inputs: ctx.downloads,
    totals: {
      samples: samples.length,
      records: records.length,
      empty: records.filter((r) => r.output.bboxes.length === 0).length,
      unresolved: build.unresolved.length,
      notRebuilt: Object.values(notRebuilt).reduce((a, b) => a + b, 0),
    },
    counts: build.counts,
    notRebuilt,
    openImagesSizes,
    unresolved: build.unresolved,
  };
  await writeFileAtomic(groundTruthPath, serializeGroundTruth(records));
  await writeFileAtomic(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  return { groundTruthPath, reportPath, report, records };
}
