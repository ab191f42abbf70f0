/**
 * The GRIT data manifest: `data-manifests/grit.json` (or a user's `--manifest FILE`) → a checked
 * `GritDataManifest` naming where samples, distortion deltas and each image source come from.
 */
import bundled from "../../data-manifests/grit.json" with { type: "json" };
import { ManifestReader, type RemoteFile } from "./manifest-reader.js";
import { readManifestJson } from "./read-manifest-json.js";

/** An archive download (zip or gzip-compressed tar). */
export interface ArchiveFile extends RemoteFile {
  readonly format: "zip" | "tar.gz";
}

/** Images fetched one by one from `imageUrl` (with `{file}` = the image's file name). */
export interface ImageUrlSource {
  /** Where the source's images live under `images/`, e.g. "coco/test2015/". */
  readonly imagePrefix: string;
  /** URL template; `{file}` is replaced by the image file name, e.g. "COCO_test2015_000000000001.jpg". */
  readonly imageUrl: string;
  readonly note?: string;
}

/** COCO: single images, with the whole split's zip as the fallback for images not served singly. */
export interface CocoSource extends ImageUrlSource {
  readonly archive: ArchiveFile & {
    /** Folder of the images inside the zip, e.g. "test2015/". */
    readonly memberPrefix: string;
  };
}

/** NYUv2: one MATLAB v7.3 (HDF5) file whose `dataset` holds every image. */
export interface Nyuv2Source extends RemoteFile {
  readonly imagePrefix: string;
  readonly dataset: string;
}

/**
 * The Open Images annotation files `gritloc gt build` rebuilds ground truth from (GRIT's download path,
 * fiftyone's open-images-v6 test split, fetches these); the proxy names the validation split's counterparts.
 */
export interface OpenImagesAnnotationFiles {
  /** `test-annotations-bbox.csv`: one row per box, normalized coordinates and the IsGroupOf/… flags. */
  readonly boxes: RemoteFile;
  /** `class-descriptions-boxable.csv`: MID → display name of the 600 boxable classes. */
  readonly classes: RemoteFile;
  /** `bbox_labels_600_hierarchy.json`: the class tree. */
  readonly hierarchy: RemoteFile;
  /** `test-annotations-human-imagelabels-boxable.csv`: verified present (1) / absent (0) labels per image. */
  readonly imageLabels: RemoteFile;
}

/** Where `gritloc gt build` gets annotations (NYUv2's come from `sources.nyuv2`, the .mat setup downloads). */
export interface GroundTruthSources {
  readonly open_images: OpenImagesAnnotationFiles;
  readonly note?: string;
}

/** Every source `gritloc setup grit` (and `gritloc gt build`) may need. */
export interface GritDataManifest {
  readonly schemaVersion: 1;
  readonly kind: "grit-data";
  readonly description?: string;
  readonly sources: {
    readonly samples: ArchiveFile;
    readonly distortions: ArchiveFile;
    readonly coco: CocoSource;
    readonly nyuv2: Nyuv2Source;
    readonly open_images: ImageUrlSource;
  };
  /** Annotation files for `gritloc gt build`; absent in manifests written before it existed. */
  readonly groundTruth?: GroundTruthSources;
}

function archive(r: ManifestReader, value: unknown, path: string): ArchiveFile {
  const o = r.object(value, path) ?? {};
  return {
    ...r.remoteFile(o, path),
    format: r.literal(o.format, ["zip", "tar.gz"] as const, `${path}.format`),
  };
}

/** Reads an {@link ImageUrlSource} (also the proxy manifest's COCO and Open Images sources). */
export function readImageUrlSource(
  r: ManifestReader,
  o: Record<string, unknown>,
  path: string,
): ImageUrlSource {
  const note = r.optionalString(o.note, `${path}.note`);
  return {
    imagePrefix: r.prefix(o.imagePrefix, `${path}.imagePrefix`),
    imageUrl: r.url(o.imageUrl, `${path}.imageUrl`, "{file}"),
    ...(note === undefined ? {} : { note }),
  };
}

/** Reads a {@link Nyuv2Source} (the proxy manifest's adds the train split to it). */
export function readNyuv2Source(r: ManifestReader, o: Record<string, unknown>, path: string): Nyuv2Source {
  return {
    ...r.remoteFile(o, path),
    imagePrefix: r.prefix(o.imagePrefix, `${path}.imagePrefix`),
    dataset: r.string(o.dataset, `${path}.dataset`),
  };
}

/** Reads the four {@link OpenImagesAnnotationFiles} under `path` (also the proxy manifest's). */
export function readOpenImagesAnnotationFiles(
  r: ManifestReader,
  o: Record<string, unknown>,
  path: string,
): OpenImagesAnnotationFiles {
  return {
    boxes: r.remoteFile(o.boxes, `${path}.boxes`),
    classes: r.remoteFile(o.classes, `${path}.classes`),
    hierarchy: r.remoteFile(o.hierarchy, `${path}.hierarchy`),
    imageLabels: r.remoteFile(o.imageLabels, `${path}.imageLabels`),
  };
}

function groundTruthSources(r: ManifestReader, value: unknown): GroundTruthSources {
  const gt = r.object(value, "groundTruth") ?? {};
  const oi = r.object(gt.open_images, "groundTruth.open_images") ?? {};
  const note = r.optionalString(gt.note, "groundTruth.note");
  return {
    open_images: readOpenImagesAnnotationFiles(r, oi, "groundTruth.open_images"),
    ...(note === undefined ? {} : { note }),
  };
}

/**
 * Checks a parsed GRIT data manifest; `origin` names it in messages (a file path).
 * @throws GritlocError E_MANIFEST_INVALID listing every problem with its JSON path.
 */
export function parseGritManifest(json: unknown, origin: string): GritDataManifest {
  const r = new ManifestReader(origin);
  const top = r.object(json, "(manifest)") ?? {};
  r.literal(top.schemaVersion, [1] as const, "schemaVersion");
  r.literal(top.kind, ["grit-data"] as const, "kind");
  const sources = r.object(top.sources, "sources") ?? {};
  const coco = r.object(sources.coco, "sources.coco") ?? {};
  const cocoArchive = r.object(coco.archive, "sources.coco.archive") ?? {};
  const nyuv2 = r.object(sources.nyuv2, "sources.nyuv2") ?? {};
  const openImages = r.object(sources.open_images, "sources.open_images") ?? {};
  const manifest: GritDataManifest = {
    schemaVersion: 1,
    kind: "grit-data",
    ...(typeof top.description === "string" ? { description: top.description } : {}),
    sources: {
      samples: archive(r, sources.samples, "sources.samples"),
      distortions: archive(r, sources.distortions, "sources.distortions"),
      coco: {
        ...readImageUrlSource(r, coco, "sources.coco"),
        archive: {
          ...archive(r, cocoArchive, "sources.coco.archive"),
          memberPrefix: r.prefix(cocoArchive.memberPrefix, "sources.coco.archive.memberPrefix"),
        },
      },
      nyuv2: readNyuv2Source(r, nyuv2, "sources.nyuv2"),
      open_images: readImageUrlSource(r, openImages, "sources.open_images"),
    },
  };
  const groundTruth = top.groundTruth === undefined ? undefined : groundTruthSources(r, top.groundTruth);
  r.finish();
  return groundTruth === undefined ? manifest : { ...manifest, groundTruth };
}

/**
 * Loads the GRIT data manifest: `file` when given (e.g. a mirror), else the bundled `data-manifests/grit.json`.
 * @throws GritlocError E_NOT_FOUND for a missing file, E_MANIFEST_INVALID for bad JSON or bad fields.
 * @example
 * const manifest = await loadGritManifest(); // bundled
 * manifest.sources.coco.imageUrl; // "http://images.cocodataset.org/test2015/{file}"
 */
export async function loadGritManifest(file?: string): Promise<GritDataManifest> {
  if (file === undefined) return parseGritManifest(bundled, "data-manifests/grit.json");
  return parseGritManifest(await readManifestJson(file), file);
}
