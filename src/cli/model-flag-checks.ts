/**
 * Checks on the model flags that need no model: `--model` and `--option` keys → the E_INVALID_OPTION a person
 * can act on, with the closest valid name ("Did you mean owlvit?", "Did you mean alpha?").
 */
import { GritlocError, invalidOption } from "../errors.js";
import { OWLVIT_DEFAULTS } from "../models/owlvit/options.js";
import { REGIONCLIP_DEFAULTS } from "../models/regionclip/options.js";
import { SLICVIT_DEFAULTS } from "../models/slicvit/options.js";
import { didYouMean } from "./did-you-mean.js";

/** The `--option` keys of each family (its options' defaults name them all). */
const OPTION_KEYS: Readonly<Record<string, readonly string[]>> = {
  smoke: Object.keys(SLICVIT_DEFAULTS),
  slicvit: Object.keys(SLICVIT_DEFAULTS),
  owlvit: Object.keys(OWLVIT_DEFAULTS),
  regionclip: Object.keys(REGIONCLIP_DEFAULTS),
};

/**
 * Returns `options` when the family takes every key (a family not listed here is checked when it loads).
 * @throws GritlocError E_INVALID_OPTION naming the key, the closest known one and all of them.
 * @example checkOptionKeys({ alpha: 0.5 }, "slicvit"); // { alpha: 0.5 }
 */
export function checkOptionKeys<T extends Record<string, unknown>>(options: T, family: string): T {
  const known = OPTION_KEYS[family];
  if (known === undefined) return options;
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    throw new GritlocError(
      "E_INVALID_OPTION",
      `unknown --option key "${key}" for --model ${family}.${didYouMean(key, known)} ` +
        `Its keys: ${known.join(", ")}.`,
    );
  }
  return options;
}

/** The error for an unknown `--model`: the expected choices and the closest family. */
export function unknownModel(name: string, expected: string, families: readonly string[]): GritlocError {
  const { message } = invalidOption("--model", expected, name);
  return new GritlocError("E_INVALID_OPTION", `${message}.${didYouMean(name, families)}`);
}
