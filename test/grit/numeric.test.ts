import assert from "node:assert/strict";
import { test } from "node:test";
import { pairwiseSum } from "../../src/grit/pairwise-sum.js";
import { roundHalfEven } from "../../src/grit/round-half-even.js";

// Expected values from NumPy 2 on this machine (np.sum / np.round), noted inline; exact equality.

test("pairwiseSum follows NumPy's order where sequential summation differs", () => {
  const a = [1e16, 1, 1, 1, 1, 1, 1, 1, -1e16, 1, 1, 1, 1, 1, 1, 1, 1];
  assert.equal(pairwiseSum(a), 15); // np.sum(a) == 15.0; a plain left-to-right sum gives 8.0
  assert.equal(pairwiseSum(new Array(200).fill(0.1)), 20); // np.sum == 20.0; sequential 20.000000000000014
  assert.equal(pairwiseSum([0.1, 0.2, 0.3]), 0.1 + 0.2 + 0.3); // n < 8: sequential
  assert.equal(pairwiseSum([]), 0);
});

test("roundHalfEven matches np.round: half to even after scaling, sign of zero kept", () => {
  assert.equal(roundHalfEven(2.5, 0), 2);
  assert.equal(roundHalfEven(3.5, 0), 4);
  assert.equal(roundHalfEven(-2.5, 0), -2);
  assert.equal(roundHalfEven(0.00025, 4), 0.0002); // np.round(0.00025, 4) == 0.0002
  assert.ok(Object.is(roundHalfEven(-0.00001, 4), -0)); // np.round(-0.00001, 4) == -0.0
  assert.equal(roundHalfEven(48.19104, 4), 48.191);
  assert.equal(roundHalfEven(100, 4), 100);
});
