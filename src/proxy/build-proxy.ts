/**
 * `gritloc proxy build`: a folder + size + seed + proxy manifest → GRIT-proxy, a localization set in GRIT's
 * format with public ground truth for every partition: COCO val2017 (sameSrc, with gritloc's corrupted twins
 * for dist/undist/deldist), Open Images v6 validation and NYUv2 train (newSrc). Annotation files and only the
 * images the drawn samples need are fetched through the manifest (resumable, verified); samples and ground
 * truth depend only on the annotation files, the size and the seed. A rerun fetches only what is missing.
 */
import { rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fetchUrlImages } from "../data/fetch-url-images.js";
import { extractNyuv2Images, nyuv2ImageNumber } from "../data/nyuv2-images.js";
import { PhaseProgress } from "../data/phase-progress.js";
import { runPool } from "../data/run-pool.js";
import {
  absentImages,
  describeError,
  failImage,
  isPresent,
  type SetupContext,
  type SetupRunOptions,
  setupContext,
} from "../data/setup-context.js";
import { checkImages } from "../data/verify-images.js";
import { GritlocError, invalidOption } from "../errors.js";
import { type GtRules, resolveGtRules } from "../gt/gt-rules.js";
import { ruleImageSize } from "../gt/pixel-boxes.js";
import { makeFolder } from "../make-folder.js";
import { readImageHeader } from "../vision/decode.js";
import type { Size } from "../vision/image.js";
import { loadCocoInstances } from "./coco-instances.js";
import { cocoProxySource } from "./coco-source.js";
import { type DistortedTwin, pickDistortedTwins, writeDistortedTwin } from "./distorted-twins.js";
import { drawPairs } from "./draw-pairs.js";
import { nyuv2ProxySource } from "./nyuv2-source.js";
import { openImagesProxySource } from "./open-images-source.js";
import { fetchProxyAnnotations } from "./proxy-annotations.js";
import { loadProxyManifest, type ProxyDataManifest } from "./proxy-manifest.js";
import {
  type ProxySampling,
  type ProxySize,
  resolveProxySampling,
  type SourcePlan,
} from "./proxy-options.js";
import { buildProxyRecords } from "./proxy-records.js";
import { type ProxyReport, writeProxyOutputs } from "./proxy-report.js";
import type { ProxyPairSample, ProxySource, ProxySourceName, ProxyTruth } from "./proxy-source.js";

export interface BuildProxyOptions extends SetupRunOptions {
  /** The proxy folder: samples/, ground-truth/, images/ and proxy-report.json go here. */
  readonly root: string;
  /** @default "small" (about 1,000 samples); "full" is about GRIT ablation's 21,000. */
  readonly size?: ProxySize;
  /** Seed of every random choice. @default 0 */
  readonly seed?: number;
  /** Share of negatives among each source's undistorted samples, 0.15–0.45. @default 0.25 */
  readonly negativeFraction?: number;
  /** Share of COCO samples with a distorted twin. @default 0.1 */
  readonly distortedFraction?: number;
  /** Per-source overrides of the size's targets and caps. */
  readonly sources?: Partial<Record<ProxySourceName, Partial<SourcePlan>>>;
  /** Ground-truth rules, as for the rebuilt ground truth (`gritloc gt build`). @default DEFAULT_GT_RULES */
  readonly rules?: Partial<GtRules>;
  /** A proxy manifest file (e.g. pointing at a mirror) or a parsed one. @default data-manifests/grit-proxy.json */
  readonly manifest?: string | ProxyDataManifest;
  /** Folder for annotation files and the NYUv2 .mat. @default `<root>/downloads` */
  readonly cacheDir?: string;
}

/** What the builder's steps share (the parts of setup's context they use). */
export type ProxyContext = Pick<
  SetupContext,
  | "root"
  | "imagesDir"
  | "cacheDir"
  | "concurrency"
  | "retries"
  | "retryDelayMs"
  | "zipExtractor"
  | "signal"
  | "emit"
  | "downloads"
  | "errors"
>;

/** The rebuilt ground truth's rules as the proxy applies them: its negatives are always verified absent. */
function resolveProxyRules(rules: Partial<GtRules> = {}): GtRules {
  if (rules.openImagesNegatives === "no-box") {
    throw invalidOption(
      "rules.openImagesNegatives",
      '"verified-absent" (the proxy draws negatives only from classes verified absent)',
      rules.openImagesNegatives,
    );
  }
  return resolveGtRules({ ...rules, openImagesNegatives: "verified-absent" });
}

function checkOptions(options: BuildProxyOptions): void {
  if (typeof options.root !== "string" || options.root === "")
    throw invalidOption("root", "a folder path", options.root);
  const c = options.concurrency ?? 8;
  if (!Number.isInteger(c) || c < 1 || c > 64)
    throw invalidOption("concurrency", "an integer from 1 to 64", c);
}

/** The drawn samples of every source, with the COCO twins. */
interface Drawn {
  readonly bySource: ReadonlyMap<ProxySourceName, readonly ProxyPairSample[]>;
  readonly twins: readonly DistortedTwin[];
  readonly shortfalls: readonly string[];
  readonly counts: Record<ProxySourceName, { positives: number; negatives: number; shortfall: number }>;
}

function drawAll(sources: readonly ProxySource[], sampling: ProxySampling): Drawn {
  const bySource = new Map<ProxySourceName, ProxyPairSample[]>();
  const shortfalls: string[] = [];
  const counts = {} as Drawn["counts"];
  for (const source of sources) {
    const plan = sampling.sources[source.name];
    const drawn = drawPairs(source.pool, {
      seed: sampling.seed,
      target: plan.target,
      cap: plan.cap,
      negativeCap: plan.negativeCap,
      negativeFraction: sampling.negativeFraction,
    });
    bySource.set(source.name, drawn.pairs.map(source.toSample));
    counts[source.name] = {
      positives: drawn.positives,
      negatives: drawn.negatives,
      shortfall: drawn.shortfall,
    };
    if (drawn.shortfall > 0) {
      shortfalls.push(
        `${source.name}: ${drawn.positives + drawn.negatives} of ${plan.target} samples ` +
          `(${drawn.positives} positives with at most ${plan.cap} per category, ${drawn.negatives} negatives): ` +
          "the annotation files do not hold more",
      );
    }
  }
  const twins = pickDistortedTwins(bySource.get("coco") ?? [], sampling.distortedFraction, sampling.seed);
  return { bySource, twins, shortfalls, counts };
}

function distinct(samples: readonly ProxyPairSample[]): string[] {
  return [...new Set(samples.map((s) => s.imageId))];
}

async function provideUrlImages(
  ctx: ProxyContext,
  phase: "coco" | "open_images",
  source: { readonly imagePrefix: string; readonly imageUrl: string },
  ids: readonly string[],
): Promise<void> {
  const missing = await absentImages(ctx, ids);
  const progress = new PhaseProgress(phase, missing.length, ctx.emit);
  progress.start(
    missing.length === 0
      ? `all ${ids.length} images present`
      : `fetching ${missing.length} images one by one`,
  );
  for (const id of await fetchUrlImages(ctx, progress, source, missing)) {
    failImage(ctx, progress, id, {
      code: "E_DOWNLOAD",
      message: `not served at ${source.imageUrl} (HTTP 403/404/410)`,
    });
  }
  progress.end();
}

async function provideNyuv2(
  ctx: ProxyContext,
  matPath: string,
  manifest: ProxyDataManifest,
  ids: readonly string[],
) {
  const source = manifest.sources.nyuv2;
  const missing = await absentImages(ctx, ids);
  const progress = new PhaseProgress("nyuv2", missing.length, ctx.emit);
  progress.start(
    missing.length === 0
      ? `all ${ids.length} images present`
      : `extracting ${missing.length} images from the .mat`,
  );
  const numbers = missing.map((id) => nyuv2ImageNumber(id, source.imagePrefix));
  if (numbers.length > 0) {
    await extractNyuv2Images(matPath, source.dataset, numbers, join(ctx.imagesDir, source.imagePrefix), {
      onImage: () => progress.item(true),
    });
  }
  progress.end();
}

async function provideTwins(ctx: ProxyContext, twins: readonly DistortedTwin[]): Promise<void> {
  const missing = new Set(
    await absentImages(
      ctx,
      twins.map((t) => t.imageId),
    ),
  );
  const todo = twins.filter((t) => missing.has(t.imageId));
  const progress = new PhaseProgress("distorted", todo.length, ctx.emit);
  progress.start(todo.length === 0 ? "all distorted twins present" : `corrupting ${todo.length} COCO images`);
  await runPool(
    todo,
    Math.min(ctx.concurrency, 4),
    async (twin) => {
      try {
        if (!(await isPresent(join(ctx.imagesDir, twin.original.imageId))))
          throw new GritlocError("E_NOT_FOUND", `its original ${twin.original.imageId} is missing`);
        await writeDistortedTwin(ctx.imagesDir, twin);
        progress.item(true);
      } catch (error) {
        failImage(ctx, progress, twin.imageId, describeError(error));
      }
    },
    ctx.signal,
  );
  progress.end();
}

/**
 * Decodes every image (setup's verification pass, which skips images decoded before and unchanged since),
 * deletes those that do not decode, and reads the stored size of the others from their headers.
 */
async function measureImages(ctx: ProxyContext, bySource: Parameters<typeof checkImages>[1]) {
  const check = await checkImages(ctx.root, bySource, {
    concurrency: Math.min(ctx.concurrency, 4),
    full: false,
    emit: ctx.emit,
    ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
  });
  const corrupt = check.corrupt.map((c) => c.imageId);
  for (const id of corrupt) await rm(join(ctx.imagesDir, id), { force: true });
  const bad = new Set([...check.missing, ...corrupt]);
  const sizes = new Map<string, Size>();
  const orientations = new Map<string, number>();
  const ids = Object.values(bySource)
    .flat()
    .filter((id) => !bad.has(id));
  await runPool(
    ids,
    Math.min(ctx.concurrency, 4),
    async (id) => {
      const { width, height, orientation } = await readImageHeader(join(ctx.imagesDir, id));
      sizes.set(id, { width, height });
      orientations.set(id, orientation);
    },
    ctx.signal,
  );
  return { sizes, orientations, missing: check.missing, corrupt };
}

/** Open Images sizes under the `exifRotation` rule, as the rebuilt ground truth measures them. */
function openImagesSizes(
  sizes: ReadonlyMap<string, Size>,
  orientations: ReadonlyMap<string, number>,
  ids: readonly string[],
  rules: GtRules,
): ReadonlyMap<string, Size> {
  if (rules.exifRotation !== "apply") return sizes;
  const turned = new Map(sizes);
  for (const id of ids) {
    const size = sizes.get(id);
    if (size === undefined) continue;
    turned.set(
      id,
      ruleImageSize({ ...size, orientation: orientations.get(id) as number }, rules.exifRotation),
    );
  }
  return turned;
}

/**
 * Builds (or completes) the proxy set under `options.root` (see the file header). Per-image failures do not
 * stop the run: samples whose image is missing are left out of both files and listed in the report
 * (`complete: false`); rerunning fetches only what is still missing and then writes the whole set.
 *
 * @throws GritlocError E_INVALID_OPTION, E_MANIFEST_INVALID, E_DOWNLOAD / E_CHECKSUM of an annotation file,
 *   E_DATA_INVALID for malformed annotation files, E_NOT_FOUND when the COCO zip lacks its instances file.
 * @example
 * const report = await buildProxy({ root: "/content/grit-proxy", size: "small", seed: 0 });
 * report.counts.total; // about 1,000
 */
export async function buildProxy(options: BuildProxyOptions): Promise<ProxyReport> {
  checkOptions(options);
  const sampling = resolveProxySampling(options);
  const rules = resolveProxyRules(options.rules);
  const root = resolve(options.root);
  const manifest =
    typeof options.manifest === "object" ? options.manifest : await loadProxyManifest(options.manifest);
  const ctx: ProxyContext = setupContext(root, options);
  await makeFolder(root);
  const files = await fetchProxyAnnotations(ctx, manifest);
  const sources: ProxySource[] = [
    cocoProxySource(await loadCocoInstances(files.coco.instances), manifest.sources.coco.imagePrefix),
    await openImagesProxySource(files.open_images, manifest.sources.open_images, rules, sampling.seed),
    await nyuv2ProxySource(files.nyuv2.mat, manifest.sources.nyuv2, rules),
  ];
  const drawn = drawAll(sources, sampling);
  const provide = async () => {
    await provideUrlImages(ctx, "coco", manifest.sources.coco, distinct(drawn.bySource.get("coco") ?? []));
    const openImages = distinct(drawn.bySource.get("open_images") ?? []);
    await provideUrlImages(ctx, "open_images", manifest.sources.open_images, openImages);
    await provideNyuv2(ctx, files.nyuv2.mat, manifest, distinct(drawn.bySource.get("nyuv2") ?? []));
    await provideTwins(ctx, drawn.twins);
    // Every image here has a known source; "other" (images of no known source) stays empty.
    const groups = {
      coco: distinct(drawn.bySource.get("coco") ?? []),
      open_images: openImages,
      nyuv2: distinct(drawn.bySource.get("nyuv2") ?? []),
      distorted: drawn.twins.map((t) => t.imageId),
      other: [],
    };
    return await measureImages(ctx, groups);
  };
  let check = await provide();
  // Images that do not decode were deleted: fetch (or make) them once more.
  if (check.corrupt.length > 0) check = await provide();
  const truth = new Map<string, ProxyTruth>();
  for (const source of sources) {
    const samples = drawn.bySource.get(source.name) ?? [];
    const sizes =
      source.name === "open_images"
        ? openImagesSizes(check.sizes, check.orientations, distinct(samples), rules)
        : check.sizes;
    for (const [id, t] of await source.groundTruth(samples, sizes)) truth.set(id, t);
  }
  const records = buildProxyRecords({
    sources,
    drawn: drawn.bySource,
    twins: drawn.twins,
    truth,
    present: new Set(check.sizes.keys()),
    rules,
  });
  const unresolved = new Set([...check.missing, ...check.corrupt]);
  return await writeProxyOutputs({
    ctx,
    sampling,
    rules,
    files,
    records,
    drawn,
    missing: [...unresolved].sort(),
    errors: ctx.errors.filter((e) => unresolved.has(e.imageId)),
  });
}
