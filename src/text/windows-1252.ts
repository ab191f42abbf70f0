/**
 * Stage: text cleaning data. What bytes 0x80–0x9F mean in Windows-1252, the one table that both HTML numeric
 * references (Python `html.unescape`) and mojibake repair need. Unassigned bytes keep their C1 code point
 * ("sloppy" Windows-1252, as ftfy and web browsers read it).
 */

/** Character i is what byte 0x80 + i decodes to (all 32 are single UTF-16 units). */
export const WINDOWS_1252_HIGH =
  "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f" +
  "\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

/** Windows-1252 byte (0x80–0x9F) of each of the 27 characters outside the Latin-1 range. */
export const WINDOWS_1252_BYTE_OF: ReadonlyMap<number, number> = new Map(
  Array.from(WINDOWS_1252_HIGH, (char, i) => [char.charCodeAt(0), 0x80 + i] as const).filter(
    ([code]) => code > 0xff,
  ),
);
