import assert from "node:assert/strict";
import { test } from "node:test";
import { fixEncoding } from "../../src/text/fix-encoding.js";
import { fixText } from "../../src/text/fix-text.js";

// [input, output of ftfy 6.3.1 `ftfy.fix_text(input)`] with the default configuration CLIP uses, one or more
// rows per implemented fix (printed by ftfy itself, Python 3.11.2).
const FTFY_FIX_TEXT: ReadonlyArray<readonly [string, string, string]> = [
  ["fix_encoding", "caf\u00c3\u00a9 (mojibake)", "caf\u00e9 (mojibake)"],
  ["fix_encoding, double", "caf\u00c3\u0192\u00c2\u00a9", "caf\u00e9"],
  ["fix_encoding, Windows-1252", "it\u00e2\u20ac\u2122s", "it's"],
  ["fix_encoding, Windows-1252 with C1", "\u00e2\u20ac\u0153quoted\u00e2\u20ac\u009d", '"quoted"'],
  ["decode_inconsistent_utf8", "na\u00efve caf\u00c3\u00a9", "na\u00efve caf\u00e9"],
  ["fix_encoding, emoji", "\u00f0\u0178\u02dc\u20ac", "\u{1f600}"],
  ["fix_encoding, triple", "\u00c3\u00a2\u00e2\u201a\u00ac\u00c5\u201c", '"'],
  ["fix_encoding, capitals", "H\u00c3\u201dTEL", "H\u00d4TEL"],
  [
    "not mojibake: Ã before ’s",
    "There are a lot of \u00c3\u2019s in mojibake text",
    "There are a lot of \u00c3's in mojibake text",
  ],
  ["not mojibake: ë…”", "Bront\u00eb\u2026\u201d", 'Bront\u00eb\u2026"'],
  ["not mojibake: É®", "NESTL\u00c9\u00ae", "NESTL\u00c9\u00ae"],
  ["not mojibake: É…", "CAF\u00c9\u2026", "CAF\u00c9\u2026"],
  ["fix_c1_controls", "\u0093quoted\u0094", '"quoted"'],
  ["fix_c1_controls, euro", "\u0080100", "\u20ac100"],
  ["fix_latin_ligatures", "\ufb01sh \ufb02our \ufb03 \u0133", "fish flour ffi ij"],
  ["fix_character_width", "\uff21\uff22\uff23\u3000\uff58\uff59\uff5a\uff01", "ABC xyz!"],
  ["fix_character_width, halfwidth katakana", "\uff76\uff80\uff76\uff85", "\u30ab\u30bf\u30ab\u30ca"],
  ["uncurl_quotes", "\u201ccurly\u201d \u2018single\u2019 \u201alow\u201e", "\"curly\" 'single' 'low\""],
  ["uncurl_quotes, modifier apostrophe", "\u02bcn", "'n"],
  ["fix_line_breaks", "a\r\nb\rc\u2028d\u2029e\u0085f", "a\nb\nc\nd\ne\u2026f"],
  ["remove_terminal_escapes", "\u001b[36;44mblue\u001b[0m", "blue"],
  ["remove_control_chars", "a\u0000b\u0007c\u000bd\u007fe\u200bf\ufeffg\ufffch", "abcde\u200bfgh"],
  ["remove_control_chars, Arabic controls", "\u206ax", "x"],
  ["remove_control_chars, U+001F", "x\u001fy", "xy"],
  ["NFC", "e\u0301", "\u00e9"],
  ["unescape_html off for HTML", "&amp; <b>&amp;</b>", "&amp; <b>&amp;</b>"],
  ["unescape_html off from the first '<' line on", "&amp;\n<b>\n&amp;", "&\n<b>\n&amp;"],
  ["unescape_html", "&lt;b&gt;", "<b>"],
  ["tab kept", "tab\tkept", "tab\tkept"],
];

test("fixText equals ftfy 6.3.1 fix_text for every implemented fix", () => {
  for (const [fix, input, expected] of FTFY_FIX_TEXT) {
    assert.equal(fixText(input), expected, `${fix}: fix_text(${JSON.stringify(input)})`);
  }
});

test("fixText turns lone surrogates into U+FFFD and keeps proper pairs", () => {
  assert.equal(fixText("a\ud83db\u{1f600}"), "a\ufffdb\u{1f600}");
});

test("fixText leaves ASCII and ordinary Unicode alone", () => {
  for (const text of [
    "person",
    "a man in a red shirt.",
    "caf\u00e9 na\u00efve",
    "\u65e5\u672c\u8a9e",
    "\u{1f44d}\u{1f3fd}",
    "",
  ]) {
    assert.equal(fixText(text), text);
  }
});

test("known differences from ftfy: fixes outside the implemented subset leave the text as it is", () => {
  // ftfy gives "voilà le travail" (restore_byte_a0), "Sloven�ina" (replace_lossy_sequences) and "Čeština"
  // (CP437 mojibake); none of these is implemented (see the header of src/text/fix-text.ts).
  assert.equal(fixText("voil\u00c3 le travail"), "voil\u00c3 le travail");
  assert.equal(fixText("Sloven\u00c4\ufffdina"), "Sloven\u00c4\ufffdina");
  assert.equal(fixText("\u2500\u00eee\u253c\u00edtina"), "\u2500\u00eee\u253c\u00edtina");
});

test("fixEncoding needs valid UTF-8 from Latin-1 or Windows-1252 bytes", () => {
  assert.equal(fixEncoding("\u00c3\u00a9"), "\u00e9");
  // "Ã" then "x" is not a UTF-8 sequence, so nothing changes.
  assert.equal(fixEncoding("\u00c3x \u00c3"), "\u00c3x \u00c3");
  // Characters outside both charsets (here CJK) make only the embedded run fixable.
  assert.equal(fixEncoding("\u65e5 caf\u00c3\u00a9"), "\u65e5 caf\u00e9");
});
