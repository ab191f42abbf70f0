/**
 * `gritloc gt build`: a GRIT root (set up with `gritloc setup`) + subset → an UNOFFICIAL rebuild of the
 * hidden localization ground truth for the Open Images and NYUv2 samples, from public annotations fetched
 * through the data manifest (verified, resumable): `ground-truth/<subset>/localization.json` in the
 * {input, output, meta} layout evaluate.py reads, and `ground-truth/<subset>/gt-report.json`.
 */
import { basename, join, resolve } from "node:path";
import { fetchArchive } from "../data/fetch-archive.js";
import { samplesPath } from "../data/fetch-samples.js";
import { type GritDataManifest, loadGritManifest } from "../data/grit-manifest.js";
import { sourceOf } from "../data/plan-images.js";
import { isPresent, type SetupContext } from "../data/setup-context.js";
import type { SetupEvent } from "../data/setup-events.js";
import { GritlocError, invalidOption } from "../errors.js";
import { writeFileAtomic } from "../grit/atomic-write.js";
import { type GritSample, loadSamples } from "../grit/samples.js";
import { readImageHeader } from "../vision/decode.js";
import type { Size } from "../vision/image.js";
import { type GroundTruthRecord, groundTruthRecord, serializeGroundTruth } from "./ground-truth-record.js";
import { emptyCounts, type GtReport, type LayoutCounts, type UnresolvedSample } from "./gt-report.js";
import { type GtRules, hasNewConcept, resolveGtRules } from "./gt-rules.js";
import { Nyuv2Annotations, type Nyuv2InstanceExtent } from "./nyuv2-annotations.js";
import { nyuv2GroundTruth, resolveNyuv2Query } from "./nyuv2-ground-truth.js";
import {
  readOpenImagesBoxes,
  readOpenImagesClasses,
  readOpenImagesImageLabels,
} from "./open-images-annotations.js";
import { indexOpenImagesClasses, openImagesGroundTruth } from "./open-images-ground-truth.js";
import { readOpenImagesHierarchy } from "./open-images-hierarchy.js";
import { GT_SOURCES, type GtSource, parseSampleId, type SampleIdLayout } from "./sample-id-layout.js";

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

/** Per-run state shared by the two sources. */
interface Build {
  readonly root: string;
  readonly rules: GtRules;
  readonly ctx: SetupContext;
  readonly records: Map<number, GroundTruthRecord>;
  readonly unresolved: UnresolvedSample[];
  readonly counts: Partial<Record<GtSource, Partial<Record<SampleIdLayout, LayoutCounts>>>>;
}

interface Item {
  readonly index: number;
  readonly sample: GritSample;
}

function countsOf(build: Build, source: GtSource, layout: SampleIdLayout): LayoutCounts {
  const bySource = build.counts[source] ?? {};
  build.counts[source] = bySource;
  const c = bySource[layout] ?? emptyCounts();
  bySource[layout] = c;
  return c;
}

function leaveOut(
  build: Build,
  c: LayoutCounts,
  item: Item,
  source: GtSource,
  layout: SampleIdLayout,
  reason: UnresolvedSample["reason"],
  detail: string,
): void {
  if (reason === "unknown-query") c.unresolvedQueries++;
  else if (reason === "missing-image") c.missingImages++;
  else c.unverifiedEmpty++;
  build.unresolved.push({ exampleId: item.sample.exampleId, source, layout, reason, detail });
}

function record(
  build: Build,
  c: LayoutCounts,
  item: Item,
  dataSource: string,
  size: Size,
  bboxes: GroundTruthRecord["output"]["bboxes"],
) {
  c.records++;
  if (bboxes.length === 0) c.empty++;
  const lemma = item.sample.taskQuery;
  build.records.set(
    item.index,
    groundTruthRecord({
      sample: item.sample,
      bboxes,
      dataSource,
      imageSize: size,
      isNewSource: true,
      hasNewConcept: hasNewConcept(lemma, build.rules.newConcept),
      lemma,
    }),
  );
}

/** The image's size under the `exifRotation` rule, or null when the file is missing or unreadable. */
async function imageSize(build: Build, imageId: string): Promise<Size | null> {
  try {
    const header = await readImageHeader(join(build.ctx.imagesDir, imageId));
    const turned = build.rules.exifRotation === "apply" && header.orientation >= 5;
    return turned
      ? { width: header.height, height: header.width }
      : { width: header.width, height: header.height };
  } catch {
    return null;
  }
}

function needGroundTruthSection(manifest: GritDataManifest, origin: string) {
  if (manifest.groundTruth === undefined) {
    throw new GritlocError(
      "E_MANIFEST_INVALID",
      `${origin} has no groundTruth.open_images section naming the Open Images annotation files. ` +
        "Copy that section from the bundled data-manifests/grit.json into your manifest.",
    );
  }
  return manifest.groundTruth;
}

async function buildOpenImages(
  build: Build,
  items: readonly Item[],
  manifest: GritDataManifest,
  origin: string,
) {
  const files = needGroundTruthSection(manifest, origin).open_images;
  const prefix = manifest.sources.open_images.imagePrefix;
  const [boxesPath, classesPath, hierarchyPath, labelsPath] = [
    await fetchArchive(build.ctx, "open_images", files.boxes),
    await fetchArchive(build.ctx, "open_images", files.classes),
    await fetchArchive(build.ctx, "open_images", files.hierarchy),
    await fetchArchive(build.ctx, "open_images", files.imageLabels),
  ] as const;
  const classes = indexOpenImagesClasses(await readOpenImagesClasses(classesPath), build.rules.queryMatch);
  const hierarchy = await readOpenImagesHierarchy(hierarchyPath);
  const openImagesId = (imageId: string) => imageId.slice(prefix.length).replace(/\.[^.]*$/, "");
  const imageIds = new Set(items.map((i) => openImagesId(i.sample.imageId)));
  const boxes = await readOpenImagesBoxes(boxesPath, imageIds);
  const labels = await readOpenImagesImageLabels(labelsPath, imageIds);
  for (const item of items) {
    const { sample } = item;
    const parsed = parseSampleId(sample.exampleId, "open_images");
    const c = countsOf(build, "open_images", parsed.layout);
    c.samples++;
    const byQuery = classes.resolveQuery(sample.taskQuery);
    const useMid = build.rules.openImagesClassFrom === "id-mid" && parsed.mid !== null;
    const cls = useMid ? (classes.byMid.get(parsed.mid as string) ?? null) : byQuery;
    if (parsed.mid !== null && byQuery !== null && byQuery.mid !== parsed.mid) c.midMismatches++;
    if (cls === null) {
      const what = useMid
        ? `the MID ${parsed.mid} in the id`
        : `the query ${JSON.stringify(sample.taskQuery)}`;
      leaveOut(
        build,
        c,
        item,
        "open_images",
        parsed.layout,
        "unknown-query",
        `${what} names no boxable class`,
      );
      continue;
    }
    const size = await imageSize(build, sample.imageId);
    if (size === null) {
      leaveOut(
        build,
        c,
        item,
        "open_images",
        parsed.layout,
        "missing-image",
        `images/${sample.imageId} is missing or unreadable`,
      );
      continue;
    }
    const imageKey = openImagesId(sample.imageId);
    const gt = openImagesGroundTruth({
      mid: cls.mid,
      boxes: boxes.get(imageKey) ?? [],
      labels: labels.get(imageKey) ?? [],
      size,
      hierarchy,
      rules: build.rules,
    });
    if (
      gt.bboxes.length === 0 &&
      build.rules.openImagesNegatives === "verified-absent" &&
      !gt.verifiedAbsent
    ) {
      leaveOut(
        build,
        c,
        item,
        "open_images",
        parsed.layout,
        "unverified-empty",
        `no ${cls.displayName} box and no verified-absent label`,
      );
      continue;
    }
    if (gt.bboxes.length === 0 && gt.verifiedAbsent) c.emptyVerifiedAbsent++;
    if (gt.bboxes.length > 0 && gt.verifiedAbsent) c.boxesButVerifiedAbsent++;
    record(build, c, item, "open_images_loc", size, gt.bboxes);
  }
  return [boxesPath, classesPath, hierarchyPath, labelsPath];
}

async function buildNyuv2(build: Build, items: readonly Item[], manifest: GritDataManifest) {
  const source = manifest.sources.nyuv2;
  const matPath = await fetchArchive(build.ctx, "nyuv2", source);
  const annotations = await Nyuv2Annotations.open(matPath);
  try {
    const extents = new Map<number, Nyuv2InstanceExtent[]>();
    for (const item of items) {
      const { sample } = item;
      const parsed = parseSampleId(sample.exampleId, "nyuv2");
      const c = countsOf(build, "nyuv2", parsed.layout);
      c.samples++;
      const labels = resolveNyuv2Query(annotations.names, sample.taskQuery, build.rules.queryMatch);
      if (labels.length === 0) {
        const detail = `the query ${JSON.stringify(sample.taskQuery)} is none of the ${annotations.names.length} NYUv2 names`;
        leaveOut(build, c, item, "nyuv2", parsed.layout, "unknown-query", detail);
        continue;
      }
      const n = Number(sample.imageId.slice(source.imagePrefix.length).replace(/\.jpg$/, ""));
      if (!(n >= 1 && n <= annotations.count)) {
        leaveOut(
          build,
          c,
          item,
          "nyuv2",
          parsed.layout,
          "missing-image",
          `${basename(matPath)} holds images 1–${annotations.count}`,
        );
        continue;
      }
      if (!(await isPresent(join(build.ctx.imagesDir, sample.imageId)))) {
        leaveOut(
          build,
          c,
          item,
          "nyuv2",
          parsed.layout,
          "missing-image",
          `images/${sample.imageId} is missing (run gritloc setup)`,
        );
        continue;
      }
      let frame = extents.get(n);
      if (frame === undefined) {
        frame = annotations.extents(n);
        extents.set(n, frame);
      }
      const size = { width: annotations.width, height: annotations.height };
      record(build, c, item, "nyuv2_loc", size, nyuv2GroundTruth(frame, labels, build.rules));
    }
  } finally {
    annotations.close();
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
    root,
    imagesDir: join(root, "images"),
    cacheDir: resolve(options.cacheDir ?? join(root, "downloads")),
    manifest,
    concurrency: 1,
    retries: options.retries ?? 5,
    retryDelayMs: options.retryDelayMs ?? 1000,
    zipExtractor: "auto",
    signal: options.signal,
    emit: options.onEvent ?? (() => {}),
    downloads: [],
    errors: [],
  };
  const build: Build = { root, rules, ctx, records: new Map(), unresolved: [], counts: {} };
  const bySource: Record<GtSource, Item[]> = { open_images: [], nyuv2: [] };
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
  if (bySource.open_images.length > 0) await buildOpenImages(build, bySource.open_images, manifest, origin);
  if (bySource.nyuv2.length > 0) await buildNyuv2(build, bySource.nyuv2, manifest);

  const records = [...build.records.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
  const dir = groundTruthDir(root, options.subset);
  const groundTruthPath = join(dir, "localization.json");
  const reportPath = join(dir, "gt-report.json");
  const order = new Map(samples.map((s, i) => [s.exampleId, i]));
  build.unresolved.sort((a, b) => (order.get(a.exampleId) ?? 0) - (order.get(b.exampleId) ?? 0));
  const report: GtReport = {
    schemaVersion: 1,
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
    unresolved: build.unresolved,
  };
  await writeFileAtomic(groundTruthPath, serializeGroundTruth(records));
  await writeFileAtomic(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  return { groundTruthPath, reportPath, report, records };
}
