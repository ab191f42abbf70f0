import assert from "node:assert/strict";
import { test } from "node:test";
import { pickIndices } from "../../src/viz/pick-samples.js";

test("the same seed picks the same distinct ascending indices; another seed picks others", () => {
  const a = pickIndices(21078, 16, 0);
  assert.deepEqual(pickIndices(21078, 16, 0), a);
  assert.equal(a.length, 16);
  assert.equal(new Set(a).size, 16);
  assert.deepEqual(
    a,
    [...a].sort((x, y) => x - y),
  );
  assert.ok(a.every((i) => Number.isInteger(i) && i >= 0 && i < 21078));
  assert.notDeepEqual(pickIndices(21078, 16, 1), a);
});

test("asking for more than there are returns all of them", () => {
  assert.deepEqual(pickIndices(3, 16, 7), [0, 1, 2]);
});

test("picks spread over the whole range (every decile hit in 2000 picks of 10000)", () => {
  const deciles = new Set(pickIndices(10000, 2000, 3).map((i) => Math.floor(i / 1000)));
  assert.equal(deciles.size, 10);
});

test("n and seed are checked", () => {
  assert.throws(() => pickIndices(10, 0, 0), {
    message: "Expected a positive integer for n but received 0 of type number",
  });
  assert.throws(() => pickIndices(10, 2, -1), { message: /non-negative integer for seed/ });
});
