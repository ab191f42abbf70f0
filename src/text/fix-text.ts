/**
 * Stage: text cleaning. `fixText`: the subset of ftfy 6.3.1 `fix_text` (default configuration) that CLIP's
 * `basic_clean` relies on for GRIT-style text, re-implemented from ftfy's documented behaviour (no ftfy code).
 *
 * Implemented, in ftfy's order and repeated until the text stops changing, per line ("\n"-terminated segment):
 * - `unescape_html` ("auto": only references ending in ";", plus all-caps names; switched off for this and every
 *   later line once a line contains "<", as ftfy's `fix_text` does);
 * - `fix_encoding`, for UTF-8 mojibake read as Latin-1 or Windows-1252 only (whole line, then embedded runs as
 *   `decode_inconsistent_utf8` does); ftfy's `is_bad` heuristic is replaced by "strict UTF-8 re-decode succeeds
 *   and some sequence leads with C2–C5 / CE–D1 or is 3–4 bytes" (`fix-encoding.ts`);
 * - `fix_c1_controls`, `fix_latin_ligatures`, `fix_character_width`, `uncurl_quotes`, `fix_line_breaks`,
 *   `fix_surrogates` (lone surrogates → U+FFFD), `remove_terminal_escapes`, `remove_control_chars`, and
 *   `normalization="NFC"`.
 *
 * Not implemented: mojibake through other charsets (Windows-1250/1251/1253/1254/1257, ISO-8859-2, MacRoman,
 * CP437), `restore_byte_a0` (a space that replaced byte A0 inside mojibake), `replace_lossy_sequences` (mojibake
 * containing "�"), the `utf-8-variants` codec (CESU-8 surrogates, overlong NUL), ftfy's `is_bad` scoring, and
 * the 1,000,000-character segment limit.
 */
import { fixEncoding } from "./fix-encoding.js";
import { unescapeHtmlEntities } from "./html-unescape.js";
import { WINDOWS_1252_HIGH } from "./windows-1252.js";

const LATIN_LIGATURES: Readonly<Record<string, string>> = {
  "\u0132": "IJ",
  "\u0133": "ij",
  "\u0149": "\u02bcn",
  "\u01f1": "DZ",
  "\u01f2": "Dz",
  "\u01f3": "dz",
  "\u01c4": "D\u017d",
  "\u01c5": "D\u017e",
  "\u01c6": "d\u017e",
  "\u01c7": "LJ",
  "\u01c8": "Lj",
  "\u01c9": "lj",
  "\u01ca": "NJ",
  "\u01cb": "Nj",
  "\u01cc": "nj",
  "\ufb00": "ff",
  "\ufb01": "fi",
  "\ufb02": "fl",
  "\ufb03": "ffi",
  "\ufb04": "ffl",
  "\ufb05": "\u017ft",
  "\ufb06": "st",
};
const LATIN_LIGATURE_RE = /[\u0132\u0133\u0149\u01c4-\u01cc\u01f1-\u01f3\ufb00-\ufb06]/g;

// Fullwidth and halfwidth forms (U+FF01–U+FFEF) become their NFKC form; U+3000 IDEOGRAPHIC SPACE becomes " ".
const WIDTH_RE = /[\u3000\uff01-\uffef]/g;
function standardWidth(char: string): string {
  return char === "\u3000" ? " " : char.normalize("NFKC");
}

const C1_RE = /[\u0080-\u009f]/g;
const SINGLE_QUOTE_RE = /[\u02bc\u2018-\u201b]/g;
const DOUBLE_QUOTE_RE = /[\u201c-\u201f]/g;
const LINE_BREAK_RE = /\r\n|[\r\u2028\u2029\u0085]/g;
const LONE_SURROGATE_RE = /[\ud800-\udfff]/gu;
// Python's `\d` is any decimal digit, not only ASCII ones.
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts a terminal escape
const TERMINAL_ESCAPE_RE = /\u001b\[(?:\p{Nd}|;)*[a-zA-Z]/gu;
const CONTROL_CHAR_RE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  /[\u0000-\u0008\u000b\u000e-\u001f\u007f\u206a-\u206f\ufeff\ufff9-\ufffc]/g;

/** The fixes after `fix_encoding`, in ftfy's order. */
function fixCharacters(text: string): string {
  return text
    .replace(C1_RE, (char) => WINDOWS_1252_HIGH[char.charCodeAt(0) - 0x80])
    .replace(LATIN_LIGATURE_RE, (char) => LATIN_LIGATURES[char])
    .replace(WIDTH_RE, standardWidth)
    .replace(DOUBLE_QUOTE_RE, '"')
    .replace(SINGLE_QUOTE_RE, "'")
    .replace(LINE_BREAK_RE, "\n")
    .replace(LONE_SURROGATE_RE, "\ufffd")
    .replace(TERMINAL_ESCAPE_RE, "")
    .replace(CONTROL_CHAR_RE, "");
}

function fixSegment(segment: string, unescapeHtml: boolean): string {
  for (;;) {
    const before = segment;
    if (unescapeHtml) segment = unescapeHtmlEntities(segment);
    segment = fixCharacters(fixEncoding(segment)).normalize("NFC");
    if (segment === before) return segment;
  }
}

/**
 * Fixes mojibake, HTML entities, curly quotes, ligatures, full-width letters, line breaks and control characters
 * the way ftfy 6.3.1's `fix_text` does for the cases listed in this module's header.
 *
 * @example fixText("ﬁsh &amp; “chips” cafÃ©") // 'fish & "chips" café'
 */
export function fixText(text: string): string {
  let unescapeHtml = true;
  let out = "";
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf("\n", start);
    const end = newline === -1 ? text.length : newline + 1;
    const segment = text.slice(start, end);
    // Text with a literal "<" is taken to be HTML whose entities must stay; ftfy keeps that decision for later lines.
    if (segment.includes("<")) unescapeHtml = false;
    out += fixSegment(segment, unescapeHtml);
    start = end;
  }
  return out;
}
