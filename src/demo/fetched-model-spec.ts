/**
 * Models already fetched with `gritloc models fetch`: a family → the ModelSpec of its default checkpoint's
 * files in the gritloc cache, so `gritloc demo --model slicvit` needs no paths. Nothing is downloaded here.
 */
import { join } from "node:path";
import { defaultCacheDir } from "../cache-dir.js";
import { loadModelsManifest } from "../data/models-manifest.js";
import { GritlocError, invalidOption } from "../errors.js";
import type { ModelSpec } from "../models/registry.js";
import { pathExists } from "../path-exists.js";

/** The checkpoint each family uses by default, and its `gritloc models fetch` alias. */
const DEFAULTS = {
  slicvit: { name: "clip-vit-large-patch14", alias: "clip-vit-l14" },
  owlvit: { name: "owlvit-base-patch32", alias: "owlvit-b32" },
  regionclip: { name: "regionclip-rn50", alias: "regionclip-rn50" },
} as const;

export interface FetchedModelSpecOptions {
  /** A models-manifest name instead of the family's default (e.g. "owlvit-large-patch14"). */
  readonly name?: string;
  /** The folder the files were fetched into. @default join(defaultCacheDir(), "models", name) */
  readonly dir?: string;
}

/**
 * The spec of a fetched checkpoint (files are complete once present: downloads land under `.part` names
 * and are renamed only after their checks).
 * @throws GritlocError E_INVALID_OPTION for an unknown family or name, E_NOT_FOUND (with the fetch command)
 *   when a file is missing.
 * @example
 * const spec = await fetchedModelSpec("slicvit"); // after `gritloc models fetch clip-vit-l14`
 */
export async function fetchedModelSpec(
  family: keyof typeof DEFAULTS,
  options: FetchedModelSpecOptions = {},
): Promise<ModelSpec> {
  if (!Object.hasOwn(DEFAULTS, family))
    throw invalidOption("family", '"slicvit", "owlvit" or "regionclip"', family);
  const name = options.name ?? DEFAULTS[family].name;
  const manifest = await loadModelsManifest();
  const entry = Object.hasOwn(manifest.models, name) ? manifest.models[name] : undefined;
  if (entry === undefined) {
    throw invalidOption("name", `one of ${Object.keys(manifest.models).join(", ")}`, name);
  }
  const dir = options.dir ?? join(defaultCacheDir(), "models", name);
  const files: Record<string, string> = {};
  for (const [role, file] of Object.entries(entry.files)) {
    const path = join(dir, file.fileName);
    if (!(await pathExists(path))) {
      const fetchName = options.name === undefined ? DEFAULTS[family].alias : name;
      throw new GritlocError(
        "E_NOT_FOUND",
        `${family} needs ${path} (${role}), which is not there. Download it once with ` +
          `\`gritloc models fetch ${fetchName}\`, or pass --weights/--vocab${family === "owlvit" ? "/--config" : ""} ` +
          "for files you already have.",
      );
    }
    files[role] = path;
  }
  if (family === "slicvit") return { family, weights: files.weights, vocab: files.vocab, name };
  if (family === "regionclip") {
    const optional = (role: "rpnWeights" | "classEmbeddings" | "classNames") =>
      files[role] === undefined ? {} : { [role]: files[role] };
    return {
      family,
      weights: files.weights,
      ...optional("rpnWeights"),
      ...optional("classEmbeddings"),
      ...optional("classNames"),
      vocab: files.vocab,
      name,
    };
  }
  return {
    family,
    weights: files.weights,
    config: files.config,
    vocab: files.vocab,
    name,
    ...(files.preprocessorConfig === undefined ? {} : { preprocessorConfig: files.preprocessorConfig }),
  };
}
