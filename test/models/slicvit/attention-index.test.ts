import assert from "node:assert/strict";
import { test } from "node:test";
import { ATTENDED_PADDING, buildRegionAttentionIndex } from "../../../src/models/slicvit/attention-index.js";
import { readI32 } from "../../support/fixtures.js";
import { fixtureLabelMaps } from "../support/fixture-labels.js";

const IMAGES = ["astronaut", "coffee", "chelsea", "grit_localization_0", "grit_refexp_0"];

// Fixture: slicvit/NAME_attn_keep_counts.i32 = attended patch columns per mask of upstream's attention mask.
test("patches per mask equal upstream's attention-mask keep counts exactly (nearest sampling at 7i, 7j)", () => {
  for (const name of IMAGES) {
    const index = buildRegionAttentionIndex(fixtureLabelMaps(name), 32);
    const expected = readI32("slicvit", `${name}_attn_keep_counts.i32`);
    assert.equal(index.maskCount, expected.length, name);
    assert.deepEqual(index.keepCounts, expected, name);
    // Every level partitions the 1024 patches, so masks see 11 × 1024 patches in all.
    assert.equal(
      index.keepCounts.reduce((a, b) => a + b, 0),
      11 * 1024,
      name,
    );
    assert.ok(index.regionCount < index.maskCount, `${name}: identical patch sets share a region`);
  }
});

test("masks with identical patch sets share one region; each region's row lists its patches, padding, itself", () => {
  // 4×4 maps sampled onto a 2×2 grid (pixels (0,0), (0,2), (2,0), (2,2)).
  const a = {
    width: 4,
    height: 4,
    count: 2,
    labels: Int32Array.from([1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2]),
  };
  const b = {
    width: 4,
    height: 4,
    count: 3,
    labels: Int32Array.from([1, 1, 3, 2, 1, 1, 3, 3, 1, 3, 2, 2, 1, 1, 2, 2]),
  };
  const index = buildRegionAttentionIndex([a, b], 2);
  // a: label 1 → patches {0, 2}, label 2 → {1, 3}; b: label 1 → {0, 2}, label 2 → {3}, label 3 → {1}.
  assert.deepEqual([...index.keepCounts], [2, 2, 2, 1, 1]);
  assert.deepEqual([...index.maskRegion], [0, 1, 0, 2, 3]);
  assert.equal(index.regionCount, 4);
  // Rows of width 2 patches + self; tokens 0..3 are patches, 4 + u is region u itself.
  assert.equal(index.rowWidth, 3);
  assert.deepEqual(
    [...index.attendedTokens],
    [0, 2, 4, 1, 3, 5, 3, ATTENDED_PADDING, 6, 1, ATTENDED_PADDING, 7],
  );
  const inf = Number.NEGATIVE_INFINITY;
  assert.deepEqual([...index.attendedBias], [0, 0, 0, 0, 0, 0, 0, inf, 0, 0, inf, 0]);
});

test("masks that miss every grid sample share one region that attends only to itself", () => {
  const map = {
    width: 4,
    height: 4,
    count: 3,
    labels: Int32Array.from([1, 2, 1, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
  };
  const index = buildRegionAttentionIndex([map], 2);
  assert.deepEqual([...index.keepCounts], [4, 0, 0]);
  assert.deepEqual([...index.maskRegion], [0, 1, 1]);
  // Region 1 (the two empty masks) has only padding and its own token 4 + 1.
  assert.equal(index.rowWidth, 5);
  assert.deepEqual([...index.attendedTokens.subarray(5)], [0, 0, 0, 0, 5]);
  assert.deepEqual([...index.attendedBias.subarray(5)], [-Infinity, -Infinity, -Infinity, -Infinity, 0]);
});
