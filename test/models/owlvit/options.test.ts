import assert from "node:assert/strict";
import { test } from "node:test";
import { isGritlocError } from "../../../src/errors.js";
import { OWLVIT_DEFAULTS, resolveOwlVitOptions } from "../../../src/models/owlvit/options.js";

test("defaults: grit mode, threshold 0.1, NMS 0.3, at most 10 boxes, best-box fallback, truncation", () => {
  const o = resolveOwlVitOptions();
  assert.deepEqual(o, {
    mode: "grit",
    scoreThreshold: 0.1,
    nmsIouThreshold: 0.3,
    maxBoxes: 10,
    fallbackToBest: true,
    truncateQueries: true,
  });
  assert.ok(Object.isFrozen(o));
  assert.ok(Object.isFrozen(OWLVIT_DEFAULTS));
});

test("given options override the defaults; undefined counts as unset", () => {
  const o = resolveOwlVitOptions({ mode: "hf", scoreThreshold: 0.25, maxBoxes: undefined });
  assert.equal(o.mode, "hf");
  assert.equal(o.scoreThreshold, 0.25);
  assert.equal(o.maxBoxes, 10);
});

const bad: [string, unknown, RegExp][] = [
  [
    "an unknown option",
    { nms: 0.5 },
    /Expected one of mode, scoreThreshold.* for options\.nms but received "nms"/,
  ],
  ["an unknown mode", { mode: "paper" }, /Expected "grit" or "hf" for mode but received "paper"/],
  ["a threshold of 1", { scoreThreshold: 1 }, /a number in \[0, 1\) for scoreThreshold but received 1/],
  [
    "an NMS threshold of 0",
    { nmsIouThreshold: 0 },
    /a number in \(0, 1\] for nmsIouThreshold but received 0/,
  ],
  ["a fractional box cap", { maxBoxes: 2.5 }, /a positive integer for maxBoxes but received 2\.5/],
  ["a non-boolean fallback", { fallbackToBest: "yes" }, /a boolean for fallbackToBest but received "yes"/],
  ["a non-object", 3, /an object for options/],
];
for (const [what, options, message] of bad) {
  test(`${what} is E_INVALID_OPTION naming it`, () => {
    assert.throws(
      () => resolveOwlVitOptions(options as never),
      (e: unknown) => isGritlocError(e, "E_INVALID_OPTION") && message.test(e.message),
    );
  });
}
