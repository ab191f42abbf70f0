import assert from "node:assert/strict";
import { test } from "node:test";
import { computeBoxBias } from "../../../src/models/owlvit/box-bias.js";
import { assertClose } from "../../support/assert-close.js";
import { owlVitCases, owlVitFixtureFolders, readF32 } from "./support/owlvit-fixture.js";

for (const folder of owlVitFixtureFolders()) {
  test(`${folder}: computeBoxBias matches box_bias.f32 within 1e-6 (float32 emulation)`, () => {
    const grid = owlVitCases(folder).grid[0];
    // Fixture: <folder>/box_bias.f32 [G², 4]; README tolerance with float32 emulation: 1e-6.
    assertClose(computeBoxBias(grid), readF32(folder, "box_bias.f32"), { atol: 1e-6 }, "box_bias");
  });
}

test("the box bias puts a patch's box at its grid corner with size about 1/G", () => {
  const bias = computeBoxBias(4);
  const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
  // Patch (row 1, col 2) → corner x = 3/4, y = 2/4; w = h = 1/4 (up to the 1e-4 stabiliser).
  const p = (1 * 4 + 2) * 4;
  assert.ok(Math.abs(sigmoid(bias[p]) - 0.75) < 1e-3);
  assert.ok(Math.abs(sigmoid(bias[p + 1]) - 0.5) < 1e-3);
  assert.ok(Math.abs(sigmoid(bias[p + 2]) - 0.25) < 1e-3);
  assert.equal(bias[p + 2], bias[p + 3]);
});
