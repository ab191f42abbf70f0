/**
 * Stage: text cleaning. Repairs the common mojibake: UTF-8 bytes that were decoded as Latin-1 or
 * Windows-1252 ("cafÃ©" → "café", "itâ€™s" → "it’s"), for a whole line or for embedded runs.
 * A re-implementation of the corresponding part of ftfy 6.3.1's `fix_encoding`; see `fix-text.ts` for the scope.
 */
import { WINDOWS_1252_BYTE_OF, WINDOWS_1252_HIGH } from "./windows-1252.js";

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

type Charset = "latin-1" | "windows-1252";

/** The bytes `text` has in `charset`, or undefined if some character has none (sloppy: 0x81, 0x8D… pass through). */
function encodeSingleByte(text: string, charset: Charset): Uint8Array | undefined {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (charset === "latin-1") {
      if (code > 0xff) return undefined;
      bytes[i] = code;
    } else if (code < 0x80 || code >= 0xa0) {
      // U+001A is not sloppy-encodable in ftfy (its byte stands for U+FFFD there).
      if (code > 0xff || code === 0x1a) {
        const byte = WINDOWS_1252_BYTE_OF.get(code);
        if (byte === undefined) return undefined;
        bytes[i] = byte;
      } else bytes[i] = code;
    } else {
      // A C1 control is encodable only where Windows-1252 leaves the byte unassigned.
      if (WINDOWS_1252_HIGH.charCodeAt(code - 0x80) !== code) return undefined;
      bytes[i] = code;
    }
  }
  return bytes;
}

// Continuation characters (bytes 80–BF read as Latin-1 / Windows-1252) that prove little, because they follow
// letters in real text: the Windows-1252 quotes, dashes, bullet, ellipsis and "™" ("Brontë…”", "Å—", "AHÅ™").
const LOOSE_CONTINUATION_RE = /[\u2018\u2019\u201a\u201c\u201d\u201e\u2013\u2014\u2022\u2026\u2122]/;
// Continuations that almost never follow a letter in real text: C1 controls and symbols such as "©", "¤", "€".
// Left out besides the loose ones: no-break space, "¡", "£", "®", "´", "¿" ("SÉ¡", "5×£35", "NESTLÉ®", "lá´´").
const STRONG_CONTINUATION_RE =
  /[\u0080-\u009f\u00a2\u00a4-\u00ad\u00af-\u00b3\u00b5-\u00be\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2020\u2021\u2030\u2039\u203a\u20ac]/;

/**
 * Whether `text` (about to be re-decoded as UTF-8) shows evidence of mojibake rather than being real Latin-1
 * text that happens to be valid UTF-8. Evidence is one sequence that starts with "Â" or "Ã" (the common
 * Latin-1-supplement mojibake) and continues with a character that is not loose (or is loose but sits between
 * capital letters), or any sequence with a strong continuation. This is gritloc's own stand-in for ftfy's
 * `is_bad` heuristic, which it does not reproduce.
 */
function hasMojibakeEvidence(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const lead = text.charCodeAt(i);
    if (lead < 0xc2 || lead > 0xf4) continue;
    const continuations = lead < 0xe0 ? 1 : lead < 0xf0 ? 2 : 3;
    const sequence = text.slice(i + 1, i + 1 + continuations);
    if (lead === 0xc2 || lead === 0xc3) {
      // "Ã" + a quote is "Ò", "Ô", "Ñ"… inside capitals ("HÃ”TEL", "AÃ‘OS"), not before "s" ("Ã’s").
      const isInCapitals = /[A-Z]/.test(text.charAt(i - 1)) && /[A-Z]/.test(text.charAt(i + 2));
      if (!LOOSE_CONTINUATION_RE.test(sequence.charAt(0)) || isInCapitals) return true;
    }
    for (const char of sequence) if (STRONG_CONTINUATION_RE.test(char)) return true;
    i += continuations;
  }
  return false;
}

/** `text` re-read as UTF-8 from its Latin-1 / Windows-1252 bytes, or undefined when that is not mojibake. */
function redecode(text: string): string | undefined {
  if (!hasMojibakeEvidence(text)) return undefined;
  for (const charset of ["latin-1", "windows-1252"] as const) {
    const bytes = encodeSingleByte(text, charset);
    if (bytes === undefined) continue;
    try {
      return utf8.decode(bytes);
    } catch {
      // Not valid UTF-8 in this charset; like ftfy, try the next one.
    }
  }
  return undefined;
}

// Characters that stand for UTF-8 lead bytes (C2–DF, E0–EF, F0–F4) and continuation bytes (80–BF) when read as
// Latin-1 or Windows-1252. Continuations that often stand for themselves next to mojibake (quotes, dashes,
// bullet, ellipsis, no-break space) may continue a run but not precede one.
const LEAD_2 = "\\u00c2-\\u00df";
const LEAD_3 = "\\u00e0-\\u00ef";
const LEAD_4 = "\\u00f0-\\u00f4";
const STRICT_CONTINUATION =
  "\\u0080-\\u009f\\u00a1-\\u00bf\\u0152\\u0153\\u0160\\u0161\\u0178\\u017d\\u017e\\u0192\\u02c6\\u02dc\\u2020\\u2021\\u2030\\u2039\\u203a\\u20ac\\u2122";
const CONTINUATION = `${STRICT_CONTINUATION}\\u00a0\\u2013\\u2014\\u2018\\u2019\\u201a\\u201c\\u201d\\u201e\\u2022\\u2026`;
const EMBEDDED_RUN = new RegExp(
  `(?<![${STRICT_CONTINUATION}])(?:[${LEAD_2}][${CONTINUATION}]|[${LEAD_3}][${CONTINUATION}]{2}|[${LEAD_4}][${CONTINUATION}]{3})+`,
  "g",
);

/** ftfy's `decode_inconsistent_utf8`, restricted to Latin-1 / Windows-1252 runs: fixes mojibake inside other text. */
function decodeEmbeddedRuns(text: string): string {
  return text.replace(EMBEDDED_RUN, (run) => (run.length < text.length ? (redecode(run) ?? run) : run));
}

/**
 * One ftfy-style encoding pass, repeated until nothing changes (double mojibake "cafÃƒÂ©" needs two):
 * the whole text re-read as UTF-8 from Latin-1, else from Windows-1252, else only its embedded mojibake runs.
 * ASCII text and text that does not decode are returned unchanged.
 *
 * @example fixEncoding("cafÃ© (mojibake)") // "café (mojibake)"
 */
export function fixEncoding(text: string): string {
  for (;;) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point of the check
    if (/^[\u0000-\u007f]*$/.test(text)) return text;
    const fixed = redecode(text) ?? decodeEmbeddedRuns(text);
    if (fixed === text) return text;
    text = fixed;
  }
}
