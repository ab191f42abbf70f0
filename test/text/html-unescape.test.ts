import assert from "node:assert/strict";
import { test } from "node:test";
import { htmlUnescape, unescapeHtmlEntities } from "../../src/text/html-unescape.js";
import { HTML5_ENTITIES } from "../../src/text/html5-entities.js";

// [input, output of Python 3.11.2 `html.unescape(input)`], printed by CPython itself (the table CLIP's
// basic_clean runs twice). Covers legacy names without ";", longest-prefix names, numeric edge cases.
const PYTHON_HTML_UNESCAPE: ReadonlyArray<readonly [string, string]> = [
  ["&amp;", "&"],
  ["&amp", "&"],
  ["&ampxyz", "&xyz"],
  ["&AMP;", "&"],
  ["&notit;", "\u00acit;"],
  ["&notin;", "\u2209"],
  ["&not", "\u00ac"],
  ["this&not that", "this\u00ac that"],
  ["&#65;", "A"],
  ["&#x41;", "A"],
  ["&#X41", "A"],
  ["&#65", "A"],
  ["&#0;", "\ufffd"],
  ["&#13;", "\r"],
  ["&#128;", "\u20ac"],
  ["&#x9d;", "\u009d"],
  ["&#150;", "\u2013"],
  ["&#55296;", "\ufffd"],
  ["&#x110000;", "\ufffd"],
  ["&#1;", ""],
  ["&#x7f;", ""],
  ["&#xfdd0;", ""],
  ["&#x1fffe;", ""],
  ["&#11;", ""],
  ["&#99999999999999999999;", "\ufffd"],
  ["&#x1F600;", "\u{1f600}"],
  ["&bogus;", "&bogus;"],
  ["&;", "&;"],
  ["& amp;", "& amp;"],
  ["&lt;b&gt;", "<b>"],
  ["fish &amp;amp; chips", "fish &amp; chips"],
  ["&NewLine;", "\n"],
  ["&Tab;x", "\tx"],
  ["&eacute", "\u00e9"],
  ["&Eacute;", "\u00c9"],
  ["&EACUTE;", "&EACUTE;"],
  ["&acE;", "\u223e\u0333"],
  ["&nbsp;&nbsp", "\u00a0\u00a0"],
  ["&#", "&#"],
  ["&#x;", "&#x;"],
  ["&#xg;", "&#xg;"],
  ["&lt&gt", "<>"],
  ["&sup2;&sup23", "\u00b2\u00b23"],
  ["&hellip;", "\u2026"],
  ["&thetasym;", "\u03d1"],
];

// [input, output of ftfy 6.3.1 `ftfy.fixes.unescape_html(input)`].
const FTFY_UNESCAPE_HTML: ReadonlyArray<readonly [string, string]> = [
  ["&amp;", "&"],
  ["&amp", "&amp"],
  ["this&not that", "this&not that"],
  ["&EACUTE;", "\u00c9"],
  ["&NTILDE; &nTILDE;", "\u00d1 &nTILDE;"],
  ["&AMP;", "&"],
  ["&LT;", "<"],
  ["&#x2019;", "\u2019"],
  ["&#12ab;", "&#12ab;"],
  ["&SZLIG;", "SS"],
  ["P&EACUTE;REZ", "P\u00c9REZ"],
  ["&hellip;", "\u2026"],
  ["&#65", "&#65"],
  ["&#128;", "\u20ac"],
];

test("the generated entity table holds Python 3.11's 2,231 HTML5 names", () => {
  assert.equal(HTML5_ENTITIES.length, 2231);
  assert.equal(new Set(HTML5_ENTITIES.map(([name]) => name)).size, 2231);
  assert.deepEqual(
    HTML5_ENTITIES.find(([name]) => name === "amp"),
    ["amp", "&"],
  );
});

test("htmlUnescape equals Python's html.unescape on named, legacy, prefix and numeric references", () => {
  for (const [input, expected] of PYTHON_HTML_UNESCAPE) {
    assert.equal(htmlUnescape(input), expected, `html.unescape(${JSON.stringify(input)})`);
  }
});

test("htmlUnescape leaves text without '&' untouched and unescapes one level per call", () => {
  assert.equal(htmlUnescape("plain <b>text</b>"), "plain <b>text</b>");
  assert.equal(htmlUnescape(htmlUnescape("&amp;amp;")), "&");
});

test("unescapeHtmlEntities decodes only ';'-terminated references and all-caps names, as ftfy does", () => {
  for (const [input, expected] of FTFY_UNESCAPE_HTML) {
    assert.equal(unescapeHtmlEntities(input), expected, `unescape_html(${JSON.stringify(input)})`);
  }
});
