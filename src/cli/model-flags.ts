/**
 * The model flags of `infer`, `demo` and `localize`: their FlagSpec entries and flags → ModelSpec, one mapping
 * per family. Where the commands differ (the default family, the demo's fetched files, the `--option` example),
 * each says so in its ModelFlagRules.
 */
import { invalidOption } from "../errors.js";
import type { RegionClipModelSpec } from "../models/regionclip/model-spec.js";
import type { ModelSpec } from "../models/registry.js";
import type { SlicVitOptions } from "../models/slicvit/options.js";
import {
  type ParsedFlags,
  parseIntegerFlag,
  parseNumberFlag,
  parseOptionFlags,
  requireFlag,
} from "./args.js";
import type { FlagRow } from "./flag-rows.js";
import { checkOptionKeys, unknownModel } from "./model-flag-checks.js";

/** `--model` and the flags its families read; spread into a command's FlagSpec. */
export const MODEL_FLAG_SPEC = {
  model: { type: "string" },
  weights: { type: "string" },
  config: { type: "string" },
  vocab: { type: "string" },
  "preprocessor-config": { type: "string" },
  "rpn-weights": { type: "string" },
  "class-embeddings": { type: "string" },
  "class-names": { type: "string" },
  seed: { type: "string" },
  alpha: { type: "string" },
  "n-segments": { type: "string" },
  option: { type: "string", multiple: true },
} as const;

/** Help lines for `--alpha` and `--n-segments`, which every model command takes for the SLICViT families. */
export const SLICVIT_FLAG_ROWS: readonly FlagRow[] = [
  ["--alpha A", "SLICViT box-search area penalty (default 0.75)"],
  ["--n-segments L", "SLICViT: comma-separated SLIC segment counts (default 100,150,...,600)"],
];

/** The help line for `--option` where it reaches every family (infer, demo). */
export const OPTION_FLAG_ROW: FlagRow = [
  "--option key=value",
  "any other model option (value read as JSON when it parses); repeatable",
];

/** The model flags a command parsed (every one optional, so callers and tests may give only some). */
export type ModelFlags = Partial<ParsedFlags<typeof MODEL_FLAG_SPEC>>;

export type ModelFamily = ModelSpec["family"];

/** What a fallback gives for the flags left out: a ModelSpec's files and display name (any ModelSpec fits). */
export interface ModelFiles {
  readonly family: ModelFamily | RegionClipModelSpec["family"];
  readonly weights?: string;
  /** Used only when it is a path (a slicvit spec may hold the config inline). */
  readonly config?: unknown;
  readonly vocab?: string;
  readonly preprocessorConfig?: string;
  readonly rpnWeights?: string;
  readonly classEmbeddings?: string;
  readonly classNames?: string;
  readonly name?: string;
}

/** How one command reads the model flags, where it differs from `gritloc infer` (the defaults). */
export interface ModelFlagRules {
  /** The family without `--model`. @default none: `--model` is required */
  readonly defaultModel?: ModelFamily;
  /** Files and display name for the file flags left out, used when its family is the one chosen. */
  readonly fallback?: ModelFiles;
  /** What a missing file flag is said to need. @default none: "--weights is required with --model slicvit" */
  readonly missingFile?: string;
  /** The example a malformed `--option` error shows. @default "alpha=0.5" */
  readonly optionExample?: string;
}

type FileFlag = "weights" | "config" | "vocab" | OptionalFileFlag;
type OptionalFileFlag = "preprocessor-config" | "rpn-weights" | "class-embeddings" | "class-names";

const SPEC_FIELD = {
  weights: "weights",
  config: "config",
  vocab: "vocab",
  "preprocessor-config": "preprocessorConfig",
  "rpn-weights": "rpnWeights",
  "class-embeddings": "classEmbeddings",
  "class-names": "classNames",
} as const satisfies Record<FileFlag, string>;

/** Flags only RegionCLIP reads; any other family refuses them. */
const REGIONCLIP_ONLY = ["rpn-weights", "class-embeddings", "class-names"] as const;

/** What a family's mapping reads: the flags, with the command's rules applied. */
export interface FamilyFlags {
  readonly flags: ModelFlags;
  /** A required file flag (or the fallback's file). */
  file(flag: Exclude<FileFlag, OptionalFileFlag>): string;
  /** An optional file flag (or the fallback's file). */
  optionalFile(flag: "config" | OptionalFileFlag): string | undefined;
  /** The fallback's display name as a spread. */
  name(): { name?: string };
  /** The `--option` pairs. */
  options(): Record<string, unknown>;
}

/** `--option` pairs plus `--alpha` and `--n-segments` (the flags win). */
function slicVitOptions(f: FamilyFlags, family: "smoke" | "slicvit"): SlicVitOptions {
  const options: { -readonly [K in keyof SlicVitOptions]: SlicVitOptions[K] } = checkOptionKeys(
    f.options(),
    family,
  );
  const { alpha, "n-segments": nSegments } = f.flags;
  if (alpha !== undefined) options.alpha = parseNumberFlag(alpha, "alpha");
  if (nSegments !== undefined) {
    options.nSegments = nSegments.split(",").map((n) => parseIntegerFlag(n.trim(), "n-segments", { min: 1 }));
  }
  return options;
}

/**
 * `--model regionclip`: the RegionCLIP files (the fetched `regionclip-rn50` set fills those left out) →
 * RegionClipModelSpec.
 */
export function regionClipSpecFromFlags(f: FamilyFlags): RegionClipModelSpec {
  for (const slicVitOnly of ["alpha", "n-segments", "seed"] as const) {
    if (f.flags[slicVitOnly] !== undefined)
      throw invalidOption(`--${slicVitOnly}`, "no value with --model regionclip", f.flags[slicVitOnly]);
  }
  for (const unused of ["config", "preprocessor-config"] as const) {
    if (f.flags[unused] !== undefined)
      throw invalidOption(
        `--${unused}`,
        "no value with --model regionclip (its .pth files carry no config)",
        f.flags[unused],
      );
  }
  const weights = f.file("weights");
  const vocab = f.file("vocab");
  const optional = (flag: "rpn-weights" | "class-embeddings" | "class-names") => {
    const value = f.optionalFile(flag);
    return value === undefined ? {} : { [SPEC_FIELD[flag]]: value };
  };
  return {
    family: "regionclip",
    weights,
    ...optional("rpn-weights"),
    ...optional("class-embeddings"),
    ...optional("class-names"),
    vocab,
    ...f.name(),
    options: checkOptionKeys(f.options(), "regionclip"),
  };
}

/** `--model NAME` → ModelSpec, one entry per family; adding a family is one entry here (and its usage lines). */
const FAMILIES: Readonly<Record<ModelFamily, (f: FamilyFlags) => ModelSpec>> = {
  smoke: (f) => ({
    family: "smoke",
    ...(f.flags.seed === undefined ? {} : { seed: parseIntegerFlag(f.flags.seed, "seed", { min: 0 }) }),
    ...(f.flags.vocab === undefined ? {} : { vocab: f.flags.vocab }),
    options: slicVitOptions(f, "smoke"),
  }),
  slicvit: (f) => {
    // Only the random smoke model is seeded; a seed here would be silently meaningless.
    if (f.flags.seed !== undefined)
      throw invalidOption("--seed", "no value except with --model smoke", f.flags.seed);
    const weights = f.file("weights");
    const vocab = f.file("vocab");
    const config = f.optionalFile("config");
    return {
      family: "slicvit",
      weights,
      vocab,
      ...(config === undefined ? {} : { config }),
      ...f.name(),
      options: slicVitOptions(f, "slicvit"),
    };
  },
  owlvit: (f) => {
    for (const slicVitOnly of ["alpha", "n-segments", "seed"] as const) {
      if (f.flags[slicVitOnly] !== undefined)
        throw invalidOption(`--${slicVitOnly}`, "no value with --model owlvit", f.flags[slicVitOnly]);
    }
    const weights = f.file("weights");
    const config = f.file("config");
    const vocab = f.file("vocab");
    const preprocessorConfig = f.optionalFile("preprocessor-config");
    return {
      family: "owlvit",
      weights,
      config,
      vocab,
      ...(preprocessorConfig === undefined ? {} : { preprocessorConfig }),
      ...f.name(),
      options: checkOptionKeys(f.options(), "owlvit"),
    };
  },
  regionclip: regionClipSpecFromFlags,
};

const FAMILY_NAMES = Object.keys(FAMILIES) as ModelFamily[];

/** The choices in the --model error: a required flag lists the table; a defaulted one quotes the default first. */
function expectedModel(defaultModel: ModelFamily | undefined): string {
  if (defaultModel === undefined) return `one of ${FAMILY_NAMES.join(", ")}`;
  const quoted = [defaultModel, ...FAMILY_NAMES.filter((n) => n !== defaultModel)].map((n) => `"${n}"`);
  return `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}`;
}

/**
 * The family `--model` names (or the command's default).
 * @throws GritlocError E_INVALID_OPTION for a missing (where required) or unknown `--model`.
 */
export function modelFamilyFromFlags(flags: ModelFlags, rules: ModelFlagRules = {}): ModelFamily {
  const name =
    rules.defaultModel === undefined
      ? requireFlag(flags.model, "model")
      : (flags.model ?? rules.defaultModel);
  if (!Object.hasOwn(FAMILIES, name))
    throw unknownModel(name, expectedModel(rules.defaultModel), FAMILY_NAMES);
  return name as ModelFamily;
}

/**
 * The model flags → the ModelSpec `createLocalizer` takes.
 * @throws GritlocError E_INVALID_OPTION naming the flag: an unknown model, a missing file, a bad number, a flag
 *   the family does not take, an `--option` without "=".
 * @example
 * modelSpecFromFlags({ model: "slicvit", weights: "w.safetensors", vocab: "v.txt.gz", alpha: "0.5" });
 * // { family: "slicvit", weights: "w.safetensors", vocab: "v.txt.gz", options: { alpha: 0.5 } }
 */
export function modelSpecFromFlags(flags: ModelFlags, rules: ModelFlagRules = {}): ModelSpec {
  const family = modelFamilyFromFlags(flags, rules);
  return FAMILIES[family](familyFlags(flags, rules, family));
}

/**
 * The flags as a family's mapping reads them, with `rules` applied (the fallback counts when its family is
 * `family`). Refuses RegionCLIP-only flags for every other family.
 * @throws GritlocError E_INVALID_OPTION for a flag the family does not take.
 */
export function familyFlags(flags: ModelFlags, rules: ModelFlagRules, family: string): FamilyFlags {
  if (family !== "regionclip") {
    for (const flag of REGIONCLIP_ONLY) {
      if (flags[flag] !== undefined)
        throw invalidOption(`--${flag}`, `no value with --model ${family} (RegionCLIP only)`, flags[flag]);
    }
  }
  const fallback = rules.fallback?.family === family ? rules.fallback : undefined;
  const fallbackFile = (flag: FileFlag) => {
    const value = fallback?.[SPEC_FIELD[flag]];
    return typeof value === "string" ? value : undefined;
  };
  return {
    flags,
    file: (flag) => {
      const value = flags[flag] ?? fallbackFile(flag);
      if (value !== undefined && value !== "") return value;
      if (rules.missingFile !== undefined) throw invalidOption(`--${flag}`, rules.missingFile, value);
      return requireFlag(value, flag, `with --model ${family}`);
    },
    optionalFile: (flag) => flags[flag] ?? fallbackFile(flag),
    name: () => (fallback?.name === undefined ? {} : { name: fallback.name }),
    options: () => parseOptionFlags(flags.option, rules.optionExample ?? "alpha=0.5"),
  };
}
