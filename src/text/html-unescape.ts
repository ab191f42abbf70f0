/**
 * Stage: text cleaning. HTML character references → text, two flavours:
 * `htmlUnescape` = Python's `html.unescape` (CLIP's `basic_clean` runs it twice) and
 * `unescapeHtmlEntities` = the cautious, semicolon-only decoding that ftfy's `unescape_html` fix performs.
 */
import { HTML5_ENTITIES } from "./html5-entities.js";
import { WINDOWS_1252_HIGH } from "./windows-1252.js";

let html5: Map<string, string> | undefined;
let cautious: Map<string, string> | undefined;

function html5Entities(): Map<string, string> {
  html5 ??= new Map(HTML5_ENTITIES);
  return html5;
}

// The same reference syntax as CPython's `html._charref`: digits, hex digits, or up to 32 code points of a name.
const CHARREF = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/gu;

function isNonCharacter(codePoint: number): boolean {
  return (codePoint >= 0xfdd0 && codePoint <= 0xfdef) || (codePoint & 0xfffe) === 0xfffe;
}

/** Python's `_replace_charref` for a numeric reference body (after "#"), `;` included when present. */
function numericReference(body: string): string {
  const isHex = body[1] === "x" || body[1] === "X";
  const digits = body.slice(isHex ? 2 : 1).replace(/;$/, "");
  // Long digit strings are past U+10FFFF however they continue; parseInt would lose them to Infinity anyway.
  const codePoint =
    digits.replace(/^0+/, "").length > 8 ? Number.POSITIVE_INFINITY : parseInt(digits, isHex ? 16 : 10);
  if (codePoint === 0x00) return "\ufffd";
  if (codePoint === 0x0d) return "\r";
  if (codePoint >= 0x80 && codePoint <= 0x9f) return WINDOWS_1252_HIGH[codePoint - 0x80];
  if ((codePoint >= 0xd800 && codePoint <= 0xdfff) || codePoint > 0x10ffff) return "\ufffd";
  const isInvalid =
    (codePoint >= 0x01 && codePoint <= 0x08) ||
    codePoint === 0x0b ||
    (codePoint >= 0x0e && codePoint <= 0x1f) ||
    codePoint === 0x7f ||
    isNonCharacter(codePoint);
  return isInvalid ? "" : String.fromCodePoint(codePoint);
}

function replaceReference(match: string, body: string): string {
  if (body[0] === "#") return numericReference(body);
  const table = html5Entities();
  const whole = table.get(body);
  if (whole !== undefined) return whole;
  // Longest known prefix, as the HTML5 spec reads legacy names without ";" ("&notit;" → "¬it;").
  for (let end = body.length - 1; end > 1; end--) {
    const prefix = table.get(body.slice(0, end));
    if (prefix !== undefined) return prefix + body.slice(end);
  }
  return match;
}

/**
 * Decodes HTML named and numeric character references exactly as Python 3.11's `html.unescape`: all HTML5 names
 * (legacy ones such as `&amp` also without ";", longest-prefix matching), decimal and hex references, and the
 * HTML5 replacements for invalid code points (0 → U+FFFD, 0x80–0x9F → Windows-1252, surrogates and > U+10FFFF
 * → U+FFFD, other control and non-characters removed).
 *
 * @example htmlUnescape("fish &amp;amp; chips") // "fish &amp; chips"
 */
export function htmlUnescape(text: string): string {
  return text.includes("&") ? text.replace(CHARREF, replaceReference) : text;
}

/** ftfy's entity table: every HTML5 name ending in ";", plus upper-cased lower-case names that mean nothing else. */
function cautiousEntities(): Map<string, string> {
  if (cautious !== undefined) return cautious;
  cautious = new Map();
  for (const [name, text] of HTML5_ENTITIES) {
    if (!name.endsWith(";")) continue;
    cautious.set(`&${name}`, text);
    if (name === name.toLowerCase()) {
      const upper = `&${name.toUpperCase()}`;
      if (htmlUnescape(upper) === upper) cautious.set(upper, text.toUpperCase());
    }
  }
  return cautious;
}

const ENTITY_LIKE = /&#?[0-9A-Za-z]{1,24};/g;

function replaceCautiously(match: string): string {
  const known = cautiousEntities().get(match);
  if (known !== undefined) return known;
  if (!match.startsWith("&#")) return match;
  const decoded = htmlUnescape(match);
  // A reference that decodes only partly (e.g. "&#12ab;") is left alone: the ";" must be consumed.
  return decoded.includes(";") ? match : decoded;
}

/**
 * The HTML fix of ftfy 6.3.1 (`fixes.unescape_html`, semantics re-implemented): decodes only references that end
 * in ";" (`&amp;`, `&#x2019;`) and all-caps forms of lower-case names (`&EACUTE;` → "É"), never `&amp` without
 * ";", so that informal text such as "this&not that" stays as it is.
 *
 * @example unescapeHtmlEntities("it&#x2019;s &NTILDE;") // "it’s Ñ"
 */
export function unescapeHtmlEntities(text: string): string {
  return text.includes("&") ? text.replace(ENTITY_LIKE, replaceCautiously) : text;
}
