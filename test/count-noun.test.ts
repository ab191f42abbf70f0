import assert from "node:assert/strict";
import { test } from "node:test";
import { countNoun } from "../src/count-noun.js";

test("countNoun puts the noun in the number it needs", () => {
  assert.equal(countNoun(1, "sample"), "1 sample");
  assert.equal(countNoun(0, "sample"), "0 samples");
  assert.equal(countNoun(2, "box", "boxes"), "2 boxes");
});
