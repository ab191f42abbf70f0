import assert from "node:assert/strict";
import { test } from "node:test";
import { basicClean, cleanText, whitespaceClean } from "../../src/text/clean-text.js";

test("whitespaceClean uses Python's whitespace: U+001C–U+001F and U+0085 count, U+FEFF does not", () => {
  assert.equal(whitespaceClean(" a\u001c\u0085b \u3000c\u00a0\ufeff "), "a b c \ufeff");
  assert.equal(whitespaceClean("\t\r\n"), "");
});

test("basicClean runs ftfy's fixes, then html.unescape twice, then strips", () => {
  // Expected values from Python 3.11.2 + ftfy 6.3.1. ftfy repeats its fixes until nothing changes, so without
  // a "<" it decodes every level of ";" references on its own.
  assert.equal(basicClean("  &amp;amp;amp;amp; "), "&");
  assert.equal(basicClean("&amp;lt;b&amp;gt;"), "<b>");
  // With a literal "<", ftfy leaves entities alone and only the two html.unescape passes remain.
  assert.equal(basicClean("<b>&amp;amp;amp;</b>"), "<b>&amp;</b>");
});

test("cleanText lower-cases after cleaning, as Python's str.lower does (final sigma included)", () => {
  assert.equal(cleanText("\tTEDDY  Bear\n"), "teddy bear");
  assert.equal(cleanText("ΟΔΥΣΣΕΥΣ"), "οδυσσευς");
  assert.equal(cleanText("İ"), "i\u0307");
});
