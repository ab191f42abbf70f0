import assert from "node:assert/strict";
import { test } from "node:test";
import { checkModelSpec, modelIdentityChanges } from "../../src/models/check-model-spec.js";

test("each family's options and files are checked without loading anything", () => {
  assert.equal(checkModelSpec({ family: "smoke", options: { alpha: 0.5 } }).options.alpha, 0.5);
  assert.equal(checkModelSpec({ family: "smoke" }).seed, 0);
  assert.throws(() => checkModelSpec({ family: "smoke", options: { bogus: 1 } }), /for options\.bogus/);
  assert.throws(() => checkModelSpec({ family: "slicvit", vocab: "v" }), /for spec\.weights/);
  assert.throws(
    () => checkModelSpec({ family: "owlvit", weights: "w", config: "c", vocab: "v", options: { mode: "x" } }),
    /Expected "grit" or "hf" for mode/,
  );
  const regionclip = { family: "regionclip", weights: "w.pth", vocab: "v" };
  assert.equal(checkModelSpec(regionclip).options.mode, "grit");
  assert.throws(
    () => checkModelSpec({ ...regionclip, options: { mode: "hf" } }),
    /"grit" or "reference" for mode/,
  );
  assert.throws(() => checkModelSpec({ ...regionclip, options: { maxBox: 3 } }), /for options\.maxBox/);
  assert.throws(() => checkModelSpec({ ...regionclip, rpnWeights: 5 }), /for spec\.rpnWeights/);
  assert.throws(() => checkModelSpec({ family: "regionclip", weights: "w.pth" }), /for spec\.vocab/);
  assert.throws(() => checkModelSpec({ family: 3 }), /Expected a model family name for spec\.family/);
  // A family this check does not know is left to createLocalizer (it may be one added to the registry later).
  assert.deepEqual(checkModelSpec({ family: "newfamily" }), { family: "newfamily", options: {} });
});

test("modelIdentityChanges names the family, seed and every option that differ", () => {
  const smoke = checkModelSpec({ family: "smoke" });
  assert.deepEqual(modelIdentityChanges(smoke, checkModelSpec({ family: "smoke", options: {} })), []);
  assert.deepEqual(
    modelIdentityChanges(smoke, checkModelSpec({ family: "smoke", seed: 1, options: { nSegments: [4] } })),
    ["seed 0 → 1", "nSegments [100,150,200,250,300,350,400,450,500,550,600] → [4]"],
  );
  const slicvit = checkModelSpec({ family: "slicvit", weights: "w", vocab: "v" });
  assert.deepEqual(modelIdentityChanges(smoke, slicvit), ["family smoke → slicvit"]);
});
