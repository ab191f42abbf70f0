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

// 4×4 maps sampled onto a 2×2 grid (pixels (0,0), (0,2), (2,0), (2,2)).
const A = {
  width: 4,
  height: 4,
  count: 2,
  labels: Int32Array.from([1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2]),
};
const B = {
  width: 4,
  height: 4,
  count: 3,
  labels: Int32Array.from([1, 1, 3, 2, 1, 1, 3, 3, 1, 3, 2, 2, 1, 1, 2, 2]),
};
const INF = Number.NEGATIVE_INFINITY;

test("masks with identical patch sets share one region; each region's row lists its patches, padding, itself", () => {
  const index = buildRegionAttentionIndex([A, B], 2);
  // A: label 1 → patches {0, 2}, label 2 → {1, 3}; B: label 1 → {0, 2}, label 2 → {3}, label 3 → {1}.
  assert.deepEqual([...index.keepCounts], [2, 2, 2, 1, 1]);
  assert.deepEqual([...index.maskRegion], [0, 1, 0, 2, 3]);
  assert.equal(index.regionCount, 4);
  // One group, rows of 2 patches + self; tokens 0..3 are patches, 4 + u is region u itself.
  assert.equal(index.rowGroups.length, 1);
  const [rows] = index.rowGroups;
  assert.deepEqual([rows.regionCount, rows.rowWidth], [4, 3]);
  assert.deepEqual(
    [...rows.attendedTokens],
    [0, 2, 4, 1, 3, 5, 3, ATTENDED_PADDING, 6, 1, ATTENDED_PADDING, 7],
  );
  assert.deepEqual([...rows.attendedBias], [0, 0, 0, 0, 0, 0, 0, INF, 0, 0, INF, 0]);
});

test("row groups pad least: each region goes to the narrowest group it fits, and regions are renumbered by group", () => {
  const index = buildRegionAttentionIndex([A, B], 2, 2);
  // Rows of 1 patch + self (B's labels 2 and 3) come first, then rows of 2 patches + self; no padding is left.
  assert.deepEqual(
    index.rowGroups.map((g) => [g.regionCount, g.rowWidth]),
    [
      [2, 2],
      [2, 3],
    ],
  );
  assert.deepEqual([...index.maskRegion], [2, 3, 2, 0, 1]);
  assert.deepEqual([...index.rowGroups[0].attendedTokens], [3, 4, 1, 5]);
  assert.deepEqual([...index.rowGroups[1].attendedTokens], [0, 2, 6, 1, 3, 7]);
  assert.ok(index.rowGroups.every((g) => g.attendedBias.every((b) => b === 0)));
  // More groups than distinct row lengths: the surplus groups are empty.
  const spare = buildRegionAttentionIndex([A, B], 2, 4);
  assert.deepEqual(
    spare.rowGroups.map((g) => [g.regionCount, g.rowWidth]),
    [
      [2, 2],
      [2, 3],
      [0, 3],
      [0, 3],
    ],
  );
  assert.deepEqual(spare.maskRegion, index.maskRegion);
});

test("three row groups pad the fixture images' rows as little as any choice of three widths", () => {
  for (const name of IMAGES) {
    const index = buildRegionAttentionIndex(fixtureLabelMaps(name), 32, 3);
    const lengths = index.rowGroups
      .flatMap((g) =>
        Array.from({ length: g.regionCount }, (_, r) =>
          g.attendedBias.subarray(r * g.rowWidth, (r + 1) * g.rowWidth),
        ),
      )
      .map((bias) => bias.filter((b) => b === 0).length);
    const widest = Math.max(...lengths);
    let least = Number.POSITIVE_INFINITY;
    for (let w1 = 1; w1 <= widest; w1++)
      for (let w2 = w1; w2 <= widest; w2++) {
        const slots = lengths.reduce((sum, n) => sum + (n <= w1 ? w1 : n <= w2 ? w2 : widest), 0);
        least = Math.min(least, slots);
      }
    const used = index.rowGroups.reduce((sum, g) => sum + g.regionCount * g.rowWidth, 0);
    assert.equal(used, least, name);
    assert.equal(lengths.length, index.regionCount, name);
  }
});

test("rowGroups must be a positive integer", () => {
  for (const bad of [0, 1.5, -1, Number.NaN])
    assert.throws(
      () => buildRegionAttentionIndex([A], 2, bad),
      /Expected a positive integer \(the encoder's rowGroups\) for rowGroups but received/,
    );
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
  const [rows] = index.rowGroups;
  assert.equal(rows.rowWidth, 5);
  assert.deepEqual([...rows.attendedTokens.subarray(5)], [0, 0, 0, 0, 5]);
  assert.deepEqual([...rows.attendedBias.subarray(5)], [INF, INF, INF, INF, 0]);
});
