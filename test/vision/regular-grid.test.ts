/**
 * regularGrid against scikit-image 0.19.3 `regular_grid` (its docstring examples) and the seed grids recorded
 * in `slic/cases.json` (step and number of initial centroids per n). Tolerance: exact.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { regularGrid } from "../../src/vision/regular-grid.js";
import { readFixtureJson } from "../support/fixtures.js";

test("regularGrid reproduces scikit-image's docstring examples", () => {
  const pick = (shape: number[], n: number) => regularGrid(shape, n).map((a) => [a.start, a.step]);
  assert.deepEqual(pick([20, 40], 8), [
    [5, 10],
    [5, 10],
  ]);
  assert.deepEqual(pick([20, 40], 32), [
    [2, 5],
    [2, 5],
  ]);
  assert.deepEqual(pick([3, 20, 40], 8), [
    [1, 3],
    [5, 10],
    [5, 10],
  ]);
});

test("regularGrid returns every index when there are no more pixels than points", () => {
  assert.deepEqual(regularGrid([1, 2, 3], 6), [
    { start: 0, step: 1, hasStep: false },
    { start: 0, step: 1, hasStep: false },
    { start: 0, step: 1, hasStep: false },
  ]);
});

test("regularGrid gives the seed grids of slic/cases.json for n = 100..600 on 224×224", () => {
  const cases = readFixtureJson<{
    images: { n_segments: Record<string, { step: number; n_initial_centroids: number }> }[];
  }>("slic", "cases.json");
  for (const [n, expected] of Object.entries(cases.images[0].n_segments)) {
    const [z, y, x] = regularGrid([1, 224, 224], Number(n));
    assert.deepEqual([z.start, z.step], [0, 1]);
    assert.equal(y.step, expected.step, `n=${n} step`);
    const perAxis = Math.ceil((224 - y.start) / y.step);
    assert.equal(
      perAxis * Math.ceil((224 - x.start) / x.step),
      expected.n_initial_centroids,
      `n=${n} centroids`,
    );
  }
});
