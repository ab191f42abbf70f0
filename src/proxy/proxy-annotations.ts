/**
 * The proxy's annotation inputs: a proxy manifest → local paths of COCO's instances_val2017.json (extracted
 * from the annotation zip), the Open Images validation CSVs and hierarchy, and the NYUv2 .mat, each downloaded
 * once into the cache folder (resumable, verified) and listed with its measured size and sha256.
 */
import { stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { extractArchive } from "../data/extract-archive.js";
import { fetchArchive } from "../data/fetch-archive.js";
import { sha256File } from "../data/hash-file.js";
import type { RemoteFile } from "../data/manifest-reader.js";
import { PhaseProgress } from "../data/phase-progress.js";
import { isPresent } from "../data/setup-context.js";
import { readVerifiedStamp, writeVerifiedStamp } from "../data/verified-stamp.js";
import { GritlocError } from "../errors.js";
import type { ProxyContext } from "./build-proxy.js";
import type { ProxyDataManifest } from "./proxy-manifest.js";

/** One annotation file as the report lists it. */
export interface AnnotationFile {
  readonly source: "coco" | "open_images" | "nyuv2";
  /** What it is, e.g. "instances" or "boxes". */
  readonly role: string;
  readonly file: string;
  readonly url: string;
  readonly size: number;
  readonly sha256: string;
}

export interface ProxyAnnotationPaths {
  readonly coco: { readonly instances: string };
  readonly open_images: {
    readonly boxes: string;
    readonly imageLabels: string;
    readonly classes: string;
    readonly hierarchy: string;
  };
  readonly nyuv2: { readonly mat: string };
  /** Every file with its sha256 (the COCO zip and the instances file inside it both). */
  readonly files: readonly AnnotationFile[];
}

/**
 * The file's sha256: from its stamp when unchanged since it was last hashed, else `measured` (what its download
 * just measured) or hashed now; stamped for the next run.
 */
async function measuredSha256(path: string, measured: string | null = null): Promise<string> {
  const stamped = await readVerifiedStamp(path);
  if (stamped !== null) return stamped.sha256;
  const sha256 = measured ?? (await sha256File(path));
  await writeVerifiedStamp(path, sha256);
  return sha256;
}

/**
 * Downloads (or reuses) every annotation file of `manifest` into `ctx.cacheDir`.
 * @throws GritlocError E_DOWNLOAD / E_CHECKSUM for a file that cannot be fetched, E_NOT_FOUND when the COCO
 *   zip has no instances member.
 */
export async function fetchProxyAnnotations(
  ctx: ProxyContext,
  manifest: ProxyDataManifest,
): Promise<ProxyAnnotationPaths> {
  const { coco, open_images: oi, nyuv2 } = manifest.sources;
  const wanted: [AnnotationFile["source"], string, RemoteFile][] = [
    ["coco", "annotations zip", coco.annotations],
    ["open_images", "boxes", oi.boxes],
    ["open_images", "image labels", oi.imageLabels],
    ["open_images", "classes", oi.classes],
    ["open_images", "hierarchy", oi.hierarchy],
    ["nyuv2", "labeled .mat", nyuv2],
  ];
  const progress = new PhaseProgress("annotations", wanted.length + 1, ctx.emit);
  progress.start(`fetching ${wanted.length} annotation files into ${ctx.cacheDir}`);
  const paths: string[] = [];
  const files: AnnotationFile[] = [];
  for (const [source, role, remote] of wanted) {
    const path = await fetchArchive(ctx, "annotations", remote);
    // fetchArchive records each download; a fresh one carries the sha256 measured while streaming it.
    const download = ctx.downloads.at(-1);
    paths.push(path);
    files.push({
      source,
      role,
      file: basename(path),
      url: remote.url,
      size: (await stat(path)).size,
      sha256: await measuredSha256(path, download?.sha256 ?? null),
    });
    progress.item(true);
  }
  const instances = join(ctx.cacheDir, basename(coco.annotations.member));
  if (!(await isPresent(instances))) {
    await extractArchive(paths[0] as string, "zip", {
      zipExtractor: ctx.zipExtractor,
      select: (member) => (member === coco.annotations.member ? instances : null),
    });
    if (!(await isPresent(instances))) {
      throw new GritlocError(
        "E_NOT_FOUND",
        `${paths[0]} has no ${coco.annotations.member}. Check sources.coco.annotations in the proxy manifest (--manifest).`,
      );
    }
  }
  files.push({
    source: "coco",
    role: "instances",
    file: basename(instances),
    url: `${coco.annotations.url}#${coco.annotations.member}`,
    size: (await stat(instances)).size,
    sha256: await measuredSha256(instances),
  });
  progress.item(true);
  progress.end();
  const [, boxes, imageLabels, classes, hierarchy, mat] = paths as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return {
    coco: { instances },
    open_images: { boxes, imageLabels, classes, hierarchy },
    nyuv2: { mat },
    files,
  };
}
