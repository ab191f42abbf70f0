/**
 * RegionCLIP's text-side preparation (`clip_prompt_utils.py`, `tools/extract_concept_features.py`): concept
 * names → the 81 prompts → CLIP BPE id rows exactly as `pre_tokenize` builds them, and the GRIT query's match
 * against a vocabulary by cleaned BPE ids.
 */
import type { ClipTokenizer } from "../../text/clip-tokenizer.js";
import { REGIONCLIP_PROMPT_TEMPLATES } from "./prompt-templates.js";

/** CLIP's text context: every prompt row has this many ids. */
export const REGIONCLIP_CONTEXT_LENGTH = 77;

/**
 * An LVIS category name as `get_cls_names` prepares it: `_` → space, `(` and `)` removed.
 * @example prepareLvisName("bow_(weapon)") // "bow weapon"
 */
export function prepareLvisName(raw: string): string {
  return raw.replaceAll("_", " ").replaceAll("(", "").replaceAll(")", "");
}

// Python's str.strip() removes the characters for which str.isspace() is true.
const PY_SPACE =
  "\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const PY_STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, "g");

/**
 * A free-text concept (a GRIT query, a line of a concepts file) as `extract_concept_features.py` reads it:
 * `.strip()` only.
 */
export function prepareQuery(query: string): string {
  return query.replace(PY_STRIP, "");
}

/** `prompt_engineering`: the name with `,` removed and `+` → space, put into the template's `{}`. */
export function promptText(template: string, name: string): string {
  const cleaned = name.replaceAll(",", "").replaceAll("+", " ");
  return template.replaceAll("{}", () => cleaned); // a function: `$&` in a name stays literal
}

/**
 * `pre_tokenize([name])[0]`: one row per template, `[SOT] + ids + [EOT]` cut to 77 ids **after** EOT was
 * appended (a prompt longer than 75 tokens loses its EOT, and the text tower then pools at the largest id
 * left), zero-padded.
 * @returns Int32Array [81, 77], row-major.
 */
export function regionClipPromptIds(tokenizer: ClipTokenizer, name: string): Int32Array {
  const T = REGIONCLIP_CONTEXT_LENGTH;
  const templates = REGIONCLIP_PROMPT_TEMPLATES;
  const out = new Int32Array(templates.length * T);
  templates.forEach((template, row) => {
    const ids = [tokenizer.sotId, ...tokenizer.encodeText(promptText(template, name)), tokenizer.eotId];
    out.set(ids.slice(0, T), row * T);
  });
  return out;
}

/**
 * What makes two concepts the same class: the CLIP BPE ids (the tokenizer's cleaning and lower-casing, no
 * SOT/EOT, no truncation) of the name with `,` removed and `+` → space. Equal keys give identical prompts.
 */
export function conceptKey(tokenizer: ClipTokenizer, name: string): string {
  return tokenizer.encodeText(name.replaceAll(",", "").replaceAll("+", " ")).join(",");
}

/**
 * Finds GRIT queries in a vocabulary of prepared names (the GRIT single-query rule's matching step).
 * @example
 * const matcher = new VocabularyMatcher(tokenizer, ["salt+pepper shaker"]);
 * matcher.indexOf("  Salt + Pepper Shaker ") // 0
 */
export class VocabularyMatcher {
  readonly #tokenizer: ClipTokenizer;
  /** key → first vocabulary index with that key. */
  readonly #indexByKey = new Map<string, number>();

  /** @param names - the vocabulary's prepared names (e.g. LVIS names after {@link prepareLvisName}). */
  constructor(tokenizer: ClipTokenizer, names: readonly string[]) {
    this.#tokenizer = tokenizer;
    names.forEach((name, i) => {
      const key = conceptKey(tokenizer, name);
      if (!this.#indexByKey.has(key)) this.#indexByKey.set(key, i);
    });
  }

  /** The index of the first vocabulary name with the query's key (query prepared by {@link prepareQuery}). */
  indexOf(query: string): number | undefined {
    return this.#indexByKey.get(conceptKey(this.#tokenizer, prepareQuery(query)));
  }
}
