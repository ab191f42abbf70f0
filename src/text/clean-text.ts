/**
 * Stage: text cleaning, string → string. CLIP's pre-tokenisation cleanup from openai/CLIP
 * `clip/simple_tokenizer.py`: `whitespace_clean(basic_clean(text)).lower()`, with Python's idea of whitespace.
 */
import { fixText } from "./fix-text.js";
import { htmlUnescape } from "./html-unescape.js";

// Python's `str.isspace()` / `re` `\s` set, which (unlike JS `\s`) includes U+001C–U+001F and U+0085 and
// excludes U+FEFF.
const PY_WHITESPACE =
  "\\t-\\r\\u001c-\\u0020\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const WHITESPACE_RUN = new RegExp(`[${PY_WHITESPACE}]+`, "g");
const EDGE_WHITESPACE = new RegExp(`^[${PY_WHITESPACE}]+|[${PY_WHITESPACE}]+$`, "g");

/** Python's `str.strip()` without arguments. */
function pythonStrip(text: string): string {
  return text.replace(EDGE_WHITESPACE, "");
}

/**
 * CLIP's `basic_clean`: ftfy's `fix_text` (the subset in `fix-text.ts`), `html.unescape` twice, strip.
 *
 * @example basicClean("  fish &amp;amp; chips ") // "fish & chips"
 */
export function basicClean(text: string): string {
  return pythonStrip(htmlUnescape(htmlUnescape(fixText(text))));
}

/** CLIP's `whitespace_clean`: every whitespace run becomes one space, then strip. */
export function whitespaceClean(text: string): string {
  return pythonStrip(text.replace(WHITESPACE_RUN, " "));
}

/**
 * The text CLIP's tokenizer splits into words: `whitespace_clean(basic_clean(text)).lower()`.
 *
 * @example cleanText("\tTEDDY  Bear\n") // "teddy bear"
 */
export function cleanText(text: string): string {
  return whitespaceClean(basicClean(text)).toLowerCase();
}
