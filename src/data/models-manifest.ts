/**
 * The models manifest: `data-manifests/models.json` (or a user's file) → a checked `ModelsManifest` naming,
 * per model, the files to fetch by role (`weights`, `vocab`, `config`, …).
 */
import bundled from "../../data-manifests/models.json" with { type: "json" };
import { ManifestReader, type RemoteFile } from "./manifest-reader.js";
import { readManifestJson } from "./read-manifest-json.js";

/** One file of a model, saved as `fileName` in the model's folder. */
export interface ModelFile extends RemoteFile {
  readonly fileName: string;
}

export interface ModelEntry {
  /** The model family the files are for, e.g. "clip" (used by SLICViT) or "owlvit". */
  readonly family: string;
  readonly description?: string;
  /** Files by role: `weights`, `vocab`, `config`, `preprocessorConfig`, … */
  readonly files: Readonly<Record<string, ModelFile>>;
}

export interface ModelsManifest {
  readonly schemaVersion: 1;
  readonly kind: "models";
  readonly models: Readonly<Record<string, ModelEntry>>;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function modelFile(r: ManifestReader, value: unknown, path: string): ModelFile {
  const o = r.object(value, path) ?? {};
  const fileName = r.string(o.fileName, `${path}.fileName`);
  // The name becomes a path inside the model folder: keep it a plain file name.
  if (fileName !== "" && !SAFE_NAME.test(fileName)) {
    r.report(`${path}.fileName`, `expected a plain file name (letters, digits, . _ -), got "${fileName}"`);
  }
  return { ...r.remoteFile(o, path), fileName };
}

/**
 * Checks a parsed models manifest; `origin` names it in messages.
 * @throws GritlocError E_MANIFEST_INVALID listing every problem with its JSON path.
 */
export function parseModelsManifest(json: unknown, origin: string): ModelsManifest {
  const r = new ManifestReader(origin);
  const top = r.object(json, "(manifest)") ?? {};
  r.literal(top.schemaVersion, [1] as const, "schemaVersion");
  r.literal(top.kind, ["models"] as const, "kind");
  const models: Record<string, ModelEntry> = {};
  for (const [name, value] of Object.entries(r.object(top.models, "models") ?? {})) {
    const path = `models.${name}`;
    if (!SAFE_NAME.test(name))
      r.report(path, "a model name must be a plain folder name (letters, digits, . _ -)");
    const entry = r.object(value, path) ?? {};
    const files: Record<string, ModelFile> = {};
    for (const [role, file] of Object.entries(r.object(entry.files, `${path}.files`) ?? {})) {
      files[role] = modelFile(r, file, `${path}.files.${role}`);
    }
    if (Object.keys(files).length === 0) r.report(`${path}.files`, "expected at least one file");
    const description = r.optionalString(entry.description, `${path}.description`);
    models[name] = {
      family: r.string(entry.family, `${path}.family`),
      ...(description === undefined ? {} : { description }),
      files,
    };
  }
  r.finish();
  return { schemaVersion: 1, kind: "models", models };
}

/**
 * Loads the models manifest: `file` when given, else the bundled `data-manifests/models.json`.
 * @throws GritlocError E_NOT_FOUND for a missing file, E_MANIFEST_INVALID for bad JSON or bad fields.
 */
export async function loadModelsManifest(file?: string): Promise<ModelsManifest> {
  if (file === undefined) return parseModelsManifest(bundled, "data-manifests/models.json");
  return parseModelsManifest(await readManifestJson(file), file);
}
