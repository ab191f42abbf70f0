/**
 * `gritloc setup grit`: a GRIT root + subset + task → the samples and exactly the images they reference,
 * fetched from their sources (COCO single images with the zip as fallback, NYUv2 from its .mat, Open Images
 * by id, distorted images made from GRIT's deltas), then every image decoded and setup-report.json written.
 * Each step first looks at what is on disk, so a rerun of a complete setup makes no network request.
 */
import { rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { GritlocError, invalidOption } from "../errors.js";
import { loadSamples } from "../grit/samples.js";
import { makeFolder } from "../make-folder.js";
import { extractArchive } from "./extract-archive.js";
import { fetchArchive } from "./fetch-archive.js";
import { ensureSamples } from "./fetch-samples.js";
import { fetchUrlImages } from "./fetch-url-images.js";
import { type GritDataManifest, loadGritManifest } from "./grit-manifest.js";
import { makeDistortedImages } from "./make-distortions.js";
import { extractNyuv2Images, nyuv2ImageNumber } from "./nyuv2-images.js";
import { PhaseProgress } from "./phase-progress.js";
import { IMAGE_SOURCES, type ImagePlan, type ImageSource, planImages, sourceOf } from "./plan-images.js";
import {
  absentImages,
  failImage,
  isPresent,
  type SetupContext,
  type SetupRunOptions,
  setupContext,
} from "./setup-context.js";
import { buildSetupReport, type SetupReport, writeSetupReport } from "./setup-report.js";
import { checkImages, type ImageCheck, type ImageGroup } from "./verify-images.js";

export interface SetupGritOptions extends SetupRunOptions {
  /** The GRIT root: samples/, images/, distortions/ and setup-report.json go here (local disk is fastest). */
  readonly root: string;
  readonly subset: "ablation" | "test";
  /** @default "localization" */
  readonly task?: "localization";
  /** Folder for archives (grit_data.zip, distortions.tar.gz, the NYUv2 .mat, the COCO zip), e.g. on Drive. @default `<root>/downloads` */
  readonly cacheDir?: string;
  /** Sources to fetch and check. @default all: coco, nyuv2, open_images, distorted */
  readonly sources?: readonly ImageSource[];
  /** A GRIT data manifest file (e.g. pointing at a mirror) or a parsed one. @default data-manifests/grit.json */
  readonly manifest?: string | GritDataManifest;
  /** Images downloaded (and decoded) at once. @default 8 */
  readonly concurrency?: number;
}

function checkOptions(options: SetupGritOptions): void {
  if (typeof options.root !== "string" || options.root === "")
    throw invalidOption("root", "a folder path", options.root);
  if (options.subset !== "ablation" && options.subset !== "test") {
    throw invalidOption("subset", '"ablation" or "test"', options.subset);
  }
  if ((options.task ?? "localization") !== "localization") {
    throw invalidOption("task", '"localization" (the only task gritloc sets up)', options.task);
  }
  for (const source of options.sources ?? []) {
    if (!IMAGE_SOURCES.includes(source))
      throw invalidOption("sources", `a list of ${IMAGE_SOURCES.join(", ")}`, source);
  }
  const c = options.concurrency ?? 8;
  if (!Number.isInteger(c) || c < 1 || c > 64)
    throw invalidOption("concurrency", "an integer from 1 to 64", c);
}

/** Images each source must provide: the referenced ones, plus undistorted inputs of missing distorted images. */
async function imagesToProvide(ctx: SetupContext, plan: ImagePlan, selected: ReadonlySet<ImageSource>) {
  const want: Record<ImageSource, Set<string>> = {
    coco: new Set(),
    nyuv2: new Set(),
    open_images: new Set(),
    distorted: new Set(),
  };
  for (const source of IMAGE_SOURCES)
    if (selected.has(source)) for (const id of plan.referenced[source]) want[source].add(id);
  const distortedMissing = new Set(await absentImages(ctx, plan.referenced.distorted));
  for (const d of plan.distorted) {
    if (!selected.has("distorted") || !distortedMissing.has(d.imageId)) continue;
    const input = sourceOf(d.sourceImageId, ctx.manifest);
    if (input !== null && input !== "distorted") want[input].add(d.sourceImageId);
  }
  return want;
}

async function provideCoco(ctx: SetupContext, ids: string[]): Promise<void> {
  const source = ctx.manifest.sources.coco;
  const progress = new PhaseProgress("coco", ids.length, ctx.emit);
  progress.start(
    ids.length === 0 ? "all COCO images present" : `fetching ${ids.length} COCO images one by one`,
  );
  const notServed = await fetchUrlImages(ctx, progress, source, ids);
  if (notServed.length > 0) {
    progress.note(
      `${notServed.length} COCO images are not served singly; taking them from ${source.archive.url}`,
    );
    const wanted = new Map(
      notServed.map((id) => [source.archive.memberPrefix + id.slice(source.imagePrefix.length), id]),
    );
    const zip = await fetchArchive(ctx, "coco", source.archive);
    await extractArchive(zip, "zip", {
      zipExtractor: ctx.zipExtractor,
      select: (member) => {
        const id = wanted.get(member);
        return id === undefined ? null : join(ctx.imagesDir, id);
      },
    });
    for (const id of notServed) {
      if (await isPresent(join(ctx.imagesDir, id))) progress.item(true);
      else {
        const error = {
          code: "E_NOT_FOUND",
          message: `not served at ${source.imageUrl} and not in ${source.archive.url}`,
        };
        failImage(ctx, progress, id, error);
      }
    }
  }
  progress.end();
}

async function provideOpenImages(ctx: SetupContext, ids: string[]): Promise<void> {
  const source = ctx.manifest.sources.open_images;
  const progress = new PhaseProgress("open_images", ids.length, ctx.emit);
  progress.start(ids.length === 0 ? "all Open Images present" : `fetching ${ids.length} Open Images by id`);
  for (const id of await fetchUrlImages(ctx, progress, source, ids)) {
    const error = { code: "E_DOWNLOAD", message: `not served at ${source.imageUrl} (HTTP 403/404)` };
    failImage(ctx, progress, id, error);
  }
  progress.end();
}

async function provideNyuv2(ctx: SetupContext, ids: string[]): Promise<void> {
  const source = ctx.manifest.sources.nyuv2;
  const progress = new PhaseProgress("nyuv2", ids.length, ctx.emit);
  progress.start(
    ids.length === 0
      ? "all NYUv2 images present"
      : `extracting ${ids.length} NYUv2 images from the labeled .mat`,
  );
  if (ids.length > 0) {
    const mat = await fetchArchive(ctx, "nyuv2", source);
    const numbers = ids.map((id) => nyuv2ImageNumber(id, source.imagePrefix));
    await extractNyuv2Images(mat, source.dataset, numbers, join(ctx.imagesDir, source.imagePrefix), {
      onImage: () => progress.item(true),
    });
  }
  progress.end();
}

async function provideDistorted(
  ctx: SetupContext,
  plan: ImagePlan,
  subset: string,
  task: string,
): Promise<void> {
  const missing = new Set(await absentImages(ctx, plan.referenced.distorted));
  const items = plan.distorted.filter((d) => missing.has(d.imageId));
  const progress = new PhaseProgress("distorted", items.length, ctx.emit);
  progress.start(
    items.length === 0
      ? "all distorted images present"
      : `making ${items.length} distorted images from GRIT's deltas`,
  );
  if (items.length > 0) {
    const deltasName = `dist_deltas_${task}_${subset}.hdf5`;
    const deltasPath = join(ctx.root, "distortions", deltasName);
    if (!(await isPresent(deltasPath))) {
      const archive = await fetchArchive(ctx, "distorted", ctx.manifest.sources.distortions);
      await extractArchive(archive, "tar.gz", {
        select: (member) => (member === deltasName || member.endsWith(`/${deltasName}`) ? deltasPath : null),
        limit: 1,
      });
      if (!(await isPresent(deltasPath))) {
        throw new GritlocError(
          "E_NOT_FOUND",
          `${archive} has no ${deltasName}. Check the distortions URL in the manifest (--manifest).`,
        );
      }
    }
    await makeDistortedImages(ctx, progress, items, deltasPath);
  }
  progress.end();
}

/**
 * Sets up GRIT's images for one subset of the localization task (see the file header). Per-image failures
 * do not stop the run: they are listed in the report, whose `complete` says whether everything selected is
 * present and decodes; rerunning fetches only what is still missing. Corrupt images found by the
 * verification are deleted and fetched once more in the same run.
 *
 * @throws GritlocError for what stops the whole run: E_INVALID_OPTION, E_MANIFEST_INVALID, E_SAMPLES_INVALID,
 *   E_DOWNLOAD / E_CHECKSUM of an archive, E_NOT_FOUND when an archive lacks the expected member.
 * @example
 * const report = await setupGrit({ root: "/content/grit", subset: "ablation", cacheDir: "/content/drive/MyDrive/grit-cache" });
 * report.complete; // true when every image is present and decodes
 */
export async function setupGrit(options: SetupGritOptions): Promise<SetupReport> {
  checkOptions(options);
  const root = resolve(options.root);
  const task = options.task ?? "localization";
  const manifest =
    typeof options.manifest === "object" ? options.manifest : await loadGritManifest(options.manifest);
  const ctx: SetupContext = { ...setupContext(root, options), manifest };
  await makeFolder(root);
  const samplesFile = await ensureSamples(ctx, options.subset, task);
  const samples = await loadSamples(samplesFile);
  const plan = planImages(samples, manifest);
  const selected = new Set<ImageSource>(options.sources ?? IMAGE_SOURCES);
  let check: ImageCheck | null = null;
  for (let round = 0; round < 2; round++) {
    const want = await imagesToProvide(ctx, plan, selected);
    if (selected.has("coco") || want.coco.size > 0)
      await provideCoco(ctx, await absentImages(ctx, [...want.coco]));
    if (selected.has("nyuv2") || want.nyuv2.size > 0)
      await provideNyuv2(ctx, await absentImages(ctx, [...want.nyuv2]));
    if (selected.has("open_images") || want.open_images.size > 0) {
      await provideOpenImages(ctx, await absentImages(ctx, [...want.open_images]));
    }
    if (selected.has("distorted")) await provideDistorted(ctx, plan, options.subset, task);
    // Images of no known source cannot be fetched, but those already under images/ are checked like the rest.
    const bySource = {
      ...Object.fromEntries(IMAGE_SOURCES.map((s) => [s, selected.has(s) ? plan.referenced[s] : []])),
      other: plan.unknown,
    } as Record<ImageGroup, readonly string[]>;
    check = await checkImages(root, bySource, {
      concurrency: Math.min(ctx.concurrency, 4),
      full: false,
      emit: ctx.emit,
      ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
    });
    if (check.corrupt.length === 0 || round === 1) break;
    // Unreadable images are deleted and fetched (or made) once more.
    for (const { imageId } of check.corrupt) await rm(join(ctx.imagesDir, imageId), { force: true });
  }
  const result = check as ImageCheck;
  const unresolved = new Set([...result.missing, ...result.corrupt.map((c) => c.imageId)]);
  const report = buildSetupReport({
    root,
    samplesFile,
    samples: samples.length,
    plan,
    check: result,
    selected,
    // Only failures that still matter: an image fixed by the second round is not an error any more.
    errors: ctx.errors.filter((e) => unresolved.has(e.imageId)),
    downloads: ctx.downloads,
  });
  await writeSetupReport(report);
  return report;
}
