import assert from "node:assert/strict";
import { test } from "node:test";
import {
  resolveSlicVitOptions,
  SLICVIT_DEFAULTS,
  type SlicVitOptions,
} from "../../../src/models/slicvit/options.js";

test("defaults are upstream's seed configuration, resolved into a frozen object", () => {
  const options = resolveSlicVitOptions();
  assert.deepEqual(options, {
    alpha: 0.75,
    temperature: 0.02,
    nSegments: [100, 150, 200, 250, 300, 350, 400, 450, 500, 550, 600],
    compactness: 50,
    sigma: 0,
    upsample: 2,
    startBlock: 0,
    aggregation: "mean",
    mode: "paper",
  });
  assert.ok(Object.isFrozen(options) && Object.isFrozen(options.nSegments));
  assert.equal(resolveSlicVitOptions({ nSegments: [50] }).alpha, SLICVIT_DEFAULTS.alpha);
});

test("every option is checked with a message naming it", () => {
  const bad: [SlicVitOptions, RegExp][] = [
    [{ alpha: Number.NaN }, /for alpha but received NaN/],
    [{ temperature: 0 }, /Expected a positive number for temperature but received 0/],
    [{ nSegments: [] }, /non-empty list of positive integers for nSegments/],
    [{ nSegments: [100, 1.5] }, /for nSegments/],
    [{ compactness: -1 }, /for compactness/],
    [{ sigma: -0.5 }, /for sigma/],
    [{ upsample: 0 }, /for upsample/],
    [{ startBlock: -1 }, /for startBlock/],
    [{ aggregation: "max" as "mean" }, /Expected "mean" for aggregation but received "max"/],
    [{ mode: "multi" as "paper" }, /Expected "paper" for mode but received "multi"/],
    [{ n_segments: [1] } as SlicVitOptions, /for options\.n_segments/],
  ];
  for (const [options, message] of bad)
    assert.throws(() => resolveSlicVitOptions(options), message, JSON.stringify(options));
});

test("an option given as undefined counts as unset", () => {
  assert.equal(resolveSlicVitOptions({ alpha: undefined, sigma: 1 }).alpha, SLICVIT_DEFAULTS.alpha);
});
