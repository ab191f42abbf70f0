import assert from "node:assert/strict";
import { test } from "node:test";
import { closestName, didYouMean, editDistance } from "../../src/cli/did-you-mean.js";

test("editDistance counts insertions, deletions, substitutions and neighbour swaps", () => {
  assert.equal(editDistance("samples", "samples"), 0);
  assert.equal(editDistance("smaples", "samples"), 1, "one swap");
  assert.equal(editDistance("sample", "samples"), 1);
  assert.equal(editDistance("sxmples", "samples"), 1);
  assert.equal(editDistance("", "run"), 3);
  assert.equal(editDistance("kitten", "sitting"), 3);
});

test("closestName suggests near misses and abbreviations, and nothing for far ones", () => {
  const flags = ["samples", "images", "run", "end", "shard", "shard-only", "params-millions"];
  assert.equal(closestName("smaples", flags), "samples");
  assert.equal(closestName("image", flags), "images");
  assert.equal(closestName("param-millions", flags), "params-millions");
  assert.equal(closestName("shard-onyl", flags), "shard-only");
  assert.equal(closestName("para", flags), "params-millions", "an abbreviation");
  assert.equal(closestName("zzz", flags), undefined);
  assert.equal(closestName("output", flags), undefined);
});

test("didYouMean renders the suggestion, or nothing", () => {
  assert.equal(
    didYouMean("imgaes", ["images"], (n) => `--${n}`),
    " Did you mean --images?",
  );
  assert.equal(didYouMean("xyz", ["images"]), "");
});
