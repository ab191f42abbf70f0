import assert from "node:assert/strict";
import { test } from "node:test";
import { isGritlocError } from "../../src/errors.js";
import {
  checkChoice,
  checkFraction,
  checkPositiveInteger,
  mergeOptions,
} from "../../src/models/option-checks.js";

const DEFAULTS = Object.freeze({ mode: "grit", maxBoxes: 10 });

function rejects(run: () => unknown, message: RegExp): void {
  assert.throws(run, (e: unknown) => isGritlocError(e, "E_INVALID_OPTION") && message.test(e.message));
}

test("set options are laid over the defaults, and an undefined value counts as unset", () => {
  assert.deepEqual(mergeOptions({ maxBoxes: 3, mode: undefined }, DEFAULTS), { mode: "grit", maxBoxes: 3 });
  assert.deepEqual(mergeOptions({}, DEFAULTS), DEFAULTS);
});

test("an unknown option key or a non-object is refused, listing the known keys", () => {
  rejects(
    () => mergeOptions({ max_boxes: 3 }, DEFAULTS),
    /Expected one of mode, maxBoxes for options\.max_boxes/,
  );
  rejects(() => mergeOptions(null, DEFAULTS), /Expected an object for options but received null/);
});

test("a choice lists the allowed values, quoted, in the message", () => {
  assert.equal(checkChoice("mode", "hf", ["grit", "hf"]), "hf");
  rejects(
    () => checkChoice("mode", "best", ["grit", "hf", "reference"]),
    /Expected "grit", "hf" or "reference" for mode but received "best"/,
  );
  rejects(() => checkChoice("mode", 1, ["paper"]), /Expected "paper" for mode/);
});

test("fractions and positive integers reject what their names exclude", () => {
  assert.equal(checkFraction("t", 0), 0);
  rejects(() => checkFraction("iou", 0, false), /Expected a number in \(0, 1\] for iou but received 0/);
  rejects(() => checkFraction("t", 1.5), /Expected a number in \[0, 1\] for t/);
  rejects(() => checkFraction("t", Number.NaN), /for t but received NaN/);
  assert.equal(checkPositiveInteger("n", 4), 4);
  rejects(() => checkPositiveInteger("n", 2.5), /a positive integer for n/);
  rejects(() => checkPositiveInteger("n", "4"), /a positive integer for n/);
});
