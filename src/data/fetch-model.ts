/**
 * Model files: a model name from the models manifest → its files (weights, vocabulary, configs) downloaded
 * and verified into one folder, returned by role. `gritloc models fetch` calls this.
 */
import { join, resolve } from "node:path";
import { defaultCacheDir } from "../cache-dir.js";
import { invalidOption } from "../errors.js";
import type { DownloadEvent } from "./download-events.js";
import { downloadFile } from "./download-file.js";
import { loadModelsManifest, type ModelsManifest } from "./models-manifest.js";

/** A download event of one model file, tagged with the file's role. */
export type ModelFileEvent = DownloadEvent & { readonly role: string };

export interface FetchModelOptions {
  /** Folder for the files. @default join(defaultCacheDir(), "models", name) */
  readonly dir?: string;
  /** A models manifest file (e.g. one pointing at a mirror) or a parsed one. @default the bundled data-manifests/models.json */
  readonly manifest?: string | ModelsManifest;
  readonly onProgress?: (event: ModelFileEvent) => void;
  /** Failed attempts in a row per file before giving up. @default 5 */
  readonly retries?: number;
  readonly signal?: AbortSignal;
}

export interface FetchedModel {
  readonly name: string;
  /** e.g. "clip" or "owlvit". */
  readonly family: string;
  /** Absolute paths by role (`weights`, `vocab`, `config`, …). */
  readonly files: Readonly<Record<string, string>>;
}

/**
 * Downloads (or finds already verified) every file of model `name`. Files whose size/sha256 the manifest
 * records are verified; a `download-done` event with `recorded: false` carries measured values to record.
 *
 * @throws GritlocError E_INVALID_OPTION for an unknown name (listing the known ones), E_DOWNLOAD,
 *   E_CHECKSUM, E_MANIFEST_INVALID.
 * @example
 * const clip = await fetchModelFiles("clip-vit-large-patch14");
 * clip.files.weights; // ~/.cache/gritloc/models/clip-vit-large-patch14/model.safetensors
 */
export async function fetchModelFiles(name: string, options: FetchModelOptions = {}): Promise<FetchedModel> {
  const manifest =
    typeof options.manifest === "object" ? options.manifest : await loadModelsManifest(options.manifest);
  const entry = Object.hasOwn(manifest.models, name) ? manifest.models[name] : undefined;
  if (entry === undefined) {
    throw invalidOption("model name", `one of ${Object.keys(manifest.models).join(", ")}`, name);
  }
  const dir = resolve(options.dir ?? join(defaultCacheDir(), "models", name));
  const files: Record<string, string> = {};
  for (const [role, file] of Object.entries(entry.files)) {
    const path = join(dir, file.fileName);
    const onProgress = options.onProgress;
    await downloadFile(file.url, path, {
      size: file.size,
      sha256: file.sha256,
      ...(options.retries === undefined ? {} : { retries: options.retries }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(onProgress === undefined
        ? {}
        : { onEvent: (event: DownloadEvent) => onProgress({ ...event, role }) }),
    });
    files[role] = path;
  }
  return { name, family: entry.family, files };
}
