/**
 * The GRIT-proxy data manifest: `data-manifests/grit-proxy.json` (or a user's `--manifest FILE`) → a checked
 * `ProxyDataManifest` naming the public annotation files, the image URL templates and the NYUv2 train split.
 */
import bundled from "../../data-manifests/grit-proxy.json" with { type: "json" };
import {
  type ImageUrlSource,
  type Nyuv2Source,
  type OpenImagesAnnotationFiles,
  readImageUrlSource,
  readNyuv2Source,
  readOpenImagesAnnotationFiles,
} from "../data/grit-manifest.js";
import { ManifestReader, type RemoteFile } from "../data/manifest-reader.js";
import { readManifestJson } from "../data/read-manifest-json.js";

/** COCO val2017: instances JSON inside COCO's annotation zip, images one by one. */
export interface ProxyCocoSource extends ImageUrlSource {
  readonly annotations: RemoteFile & {
    readonly format: "zip";
    /** The instances file inside the zip, e.g. "annotations/instances_val2017.json". */
    readonly member: string;
  };
}

/** Open Images v6 validation: the CSVs and hierarchy of the rebuilt ground truth, images by id. */
export interface ProxyOpenImagesSource extends ImageUrlSource, OpenImagesAnnotationFiles {}

/** NYUv2: the labeled .mat and the image numbers (1-based) of the split to draw from. */
export interface ProxyNyuv2Source extends Nyuv2Source {
  readonly trainImages: readonly number[];
}

export interface ProxyDataManifest {
  readonly schemaVersion: 1;
  readonly kind: "grit-proxy";
  readonly description?: string;
  readonly sources: {
    readonly coco: ProxyCocoSource;
    readonly open_images: ProxyOpenImagesSource;
    readonly nyuv2: ProxyNyuv2Source;
  };
}

function imageNumbers(r: ManifestReader, value: unknown, path: string): number[] {
  const ok =
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((n) => Number.isSafeInteger(n) && (n as number) >= 1) &&
    new Set(value).size === value.length;
  if (ok) return value as number[];
  r.report(path, "expected a non-empty list of distinct image numbers (integers ≥ 1, as in nyuv2/{n}.jpg)");
  return [];
}

/**
 * Checks a parsed proxy manifest; `origin` names it in messages (a file path).
 * @throws GritlocError E_MANIFEST_INVALID listing every problem with its JSON path.
 */
export function parseProxyManifest(json: unknown, origin: string): ProxyDataManifest {
  const r = new ManifestReader(origin);
  const top = r.object(json, "(manifest)") ?? {};
  r.literal(top.schemaVersion, [1] as const, "schemaVersion");
  r.literal(top.kind, ["grit-proxy"] as const, "kind");
  const sources = r.object(top.sources, "sources") ?? {};
  const coco = r.object(sources.coco, "sources.coco") ?? {};
  const cocoAnnotations = r.object(coco.annotations, "sources.coco.annotations") ?? {};
  const openImages = r.object(sources.open_images, "sources.open_images") ?? {};
  const nyuv2 = r.object(sources.nyuv2, "sources.nyuv2") ?? {};
  const manifest: ProxyDataManifest = {
    schemaVersion: 1,
    kind: "grit-proxy",
    ...(typeof top.description === "string" ? { description: top.description } : {}),
    sources: {
      coco: {
        ...readImageUrlSource(r, coco, "sources.coco"),
        annotations: {
          ...r.remoteFile(cocoAnnotations, "sources.coco.annotations"),
          format: r.literal(cocoAnnotations.format, ["zip"] as const, "sources.coco.annotations.format"),
          member: r.string(cocoAnnotations.member, "sources.coco.annotations.member"),
        },
      },
      open_images: {
        ...readImageUrlSource(r, openImages, "sources.open_images"),
        ...readOpenImagesAnnotationFiles(r, openImages, "sources.open_images"),
      },
      nyuv2: {
        ...readNyuv2Source(r, nyuv2, "sources.nyuv2"),
        trainImages: imageNumbers(r, nyuv2.trainImages, "sources.nyuv2.trainImages"),
      },
    },
  };
  r.finish();
  return manifest;
}

/**
 * Loads the proxy manifest: `file` when given (e.g. a mirror), else the bundled `data-manifests/grit-proxy.json`.
 * @throws GritlocError E_NOT_FOUND for a missing file, E_MANIFEST_INVALID for bad JSON or bad fields.
 * @example
 * const manifest = await loadProxyManifest();
 * manifest.sources.nyuv2.trainImages.length; // 795
 */
export async function loadProxyManifest(file?: string): Promise<ProxyDataManifest> {
  if (file === undefined) return parseProxyManifest(bundled, "data-manifests/grit-proxy.json");
  return parseProxyManifest(await readManifestJson(file), file);
}
