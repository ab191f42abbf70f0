/**
 * A ModelSpec checked without loading anything: spec → the identity a run folder is bound to (family, resolved
 * options, the smoke seed), or the E_INVALID_OPTION that loading the model would raise later. So a bad
 * `--option` or family fails in milliseconds, not after the weights were read and the graphs built.
 */
import { invalidOption } from "../errors.js";
import { resolveOwlVitOptions } from "./owlvit/options.js";
import { resolveRegionClipOptions } from "./regionclip/options.js";
import { requireFilePath } from "./require-file-path.js";
import { resolveSlicVitOptions } from "./slicvit/options.js";
import { checkSeed } from "./smoke/random-clip.js";

/** What two specs must share to be the same model (file paths may differ; their content is hashed later). */
export interface ModelSpecIdentity {
  readonly family: string;
  /** Every option with its default applied. */
  readonly options: Readonly<Record<string, unknown>>;
  /** The smoke model's seed (its weights). */
  readonly seed?: number;
}

/**
 * Checks what `createLocalizer` would check before it opens a file: the file paths, the seed and every option
 * (unknown keys included) of the families listed here. Any other family name passes with no options: a family
 * added to the registry later is still checked by `createLocalizer`, and an unknown one is refused there.
 * @throws GritlocError E_INVALID_OPTION naming the field.
 * @example
 * checkModelSpec({ family: "smoke", options: { alpha: 0.5 } }).options.alpha; // 0.5
 */
export function checkModelSpec(spec: unknown): ModelSpecIdentity {
  if (typeof spec !== "object" || spec === null) throw invalidOption("spec", "a ModelSpec object", spec);
  const s = spec as Record<string, unknown>;
  switch (s.family) {
    case "smoke":
      return {
        family: "smoke",
        seed: checkSeed(s.seed ?? 0, "spec.seed"),
        options: resolveSlicVitOptions(s.options as never),
      };
    case "slicvit":
      requireFilePath(s.weights, "spec.weights");
      requireFilePath(s.vocab, "spec.vocab");
      return { family: "slicvit", options: resolveSlicVitOptions(s.options as never) };
    case "owlvit":
      for (const field of ["weights", "config", "vocab"]) requireFilePath(s[field], `spec.${field}`);
      return { family: "owlvit", options: resolveOwlVitOptions(s.options as never) };
    case "regionclip":
      for (const field of ["weights", "vocab"]) requireFilePath(s[field], `spec.${field}`);
      for (const field of ["rpnWeights", "classEmbeddings", "classNames"]) {
        if (s[field] !== undefined) requireFilePath(s[field], `spec.${field}`);
      }
      return { family: "regionclip", options: resolveRegionClipOptions(s.options as never) };
    default:
      if (typeof s.family !== "string" || s.family === "")
        throw invalidOption("spec.family", "a model family name", s.family);
      return { family: s.family, options: {} };
  }
}

/**
 * How `current` differs from `existing`, one phrase per difference ("family smoke → owlvit", "alpha 0.75 →
 * 0.5"); empty when they are the same model as far as a spec can tell.
 */
export function modelIdentityChanges(existing: ModelSpecIdentity, current: ModelSpecIdentity): string[] {
  if (existing.family !== current.family) return [`family ${existing.family} → ${current.family}`];
  const changes: string[] = [];
  if (existing.seed !== current.seed) changes.push(`seed ${existing.seed} → ${current.seed}`);
  for (const key of Object.keys(current.options)) {
    const before = JSON.stringify(existing.options[key]);
    const after = JSON.stringify(current.options[key]);
    if (before !== after) changes.push(`${key} ${before} → ${after}`);
  }
  return changes;
}
