/**
 * The model flags → ModelSpec mapping `infer`, `demo` and `localize` share, and each ModelFlagRules field that
 * lets a command differ (default family, fallback files, missing-file wording, the `--option` example).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type ModelFlags, modelFamilyFromFlags, modelSpecFromFlags } from "../../src/cli/model-flags.js";

const slicvit: ModelFlags = { model: "slicvit", weights: "w.safetensors", vocab: "v.txt.gz" };

test("without rules --model is required and every family is listed in the error", () => {
  assert.throws(() => modelSpecFromFlags({}), /^GritlocError: --model is required\. /);
  assert.throws(
    () => modelSpecFromFlags({ model: "yolo" }),
    /Expected one of smoke, slicvit, owlvit, regionclip for --model but received "yolo"/,
  );
  // Names inherited from Object.prototype are not families.
  assert.throws(() => modelSpecFromFlags({ model: "toString" }), /for --model but received "toString"/);
});

test("a default family is used without --model and is listed first in the error", () => {
  assert.equal(modelFamilyFromFlags({}, { defaultModel: "slicvit" }), "slicvit");
  assert.equal(modelFamilyFromFlags({ model: "owlvit" }, { defaultModel: "smoke" }), "owlvit");
  assert.throws(
    () => modelFamilyFromFlags({ model: "owl" }, { defaultModel: "slicvit" }),
    /Expected "slicvit", "smoke", "owlvit" or "regionclip" for --model but received "owl"/,
  );
  assert.throws(
    () => modelFamilyFromFlags({ model: "" }, { defaultModel: "smoke" }),
    /Expected "smoke", "slicvit", "owlvit" or "regionclip" for --model but received ""/,
  );
});

test("each family maps its flags; --alpha and --n-segments win over --option values of the same name", () => {
  assert.deepEqual(
    modelSpecFromFlags({
      model: "smoke",
      seed: "3",
      vocab: "v",
      option: ["alpha=0.1", "mode=x"],
      alpha: "0.5",
    }),
    { family: "smoke", seed: 3, vocab: "v", options: { alpha: 0.5, mode: "x" } },
  );
  assert.deepEqual(modelSpecFromFlags({ ...slicvit, config: "c.json", "n-segments": "10, 20" }), {
    family: "slicvit",
    weights: "w.safetensors",
    vocab: "v.txt.gz",
    config: "c.json",
    options: { nSegments: [10, 20] },
  });
  assert.deepEqual(
    modelSpecFromFlags({
      model: "owlvit",
      weights: "w",
      config: "c",
      vocab: "v",
      "preprocessor-config": "p",
      option: ["maxBoxes=3", "mode=hf"],
    }),
    {
      family: "owlvit",
      weights: "w",
      config: "c",
      vocab: "v",
      preprocessorConfig: "p",
      options: { maxBoxes: 3, mode: "hf" },
    },
  );
});

test("bad model flags name the flag", () => {
  const cases: [ModelFlags, RegExp][] = [
    [{ model: "slicvit", vocab: "v" }, /--weights is required with --model slicvit\./],
    [{ ...slicvit, vocab: "" }, /--vocab is empty; give it a value with --model slicvit\./],
    [{ model: "owlvit", weights: "w", vocab: "v" }, /--config is required with --model owlvit\./],
    [{ model: "smoke", seed: "-1" }, /Expected an integer ≥ 0 for --seed/],
    [{ ...slicvit, alpha: "x" }, /Expected a finite number for --alpha but received "x"/],
    [{ ...slicvit, "n-segments": "10,0" }, /Expected an integer ≥ 1 for --n-segments but received "0"/],
    [{ ...slicvit, option: ["alpha"] }, /Expected key=value \(e\.g\. --option alpha=0\.5\) for --option/],
    [{ ...slicvit, seed: "3" }, /Expected no value except with --model smoke for --seed but received "3"/],
  ];
  for (const flag of ["alpha", "n-segments", "seed"] as const) {
    const owlvit: ModelFlags = { model: "owlvit", weights: "w", config: "c", vocab: "v", [flag]: "1" };
    cases.push([owlvit, new RegExp(`Expected no value with --model owlvit for --${flag} but received "1"`)]);
  }
  for (const [flags, message] of cases) {
    assert.throws(() => modelSpecFromFlags(flags), message, JSON.stringify(flags));
  }
});

test("a fallback fills the file flags left out (flags win) and names the model, for its own family only", () => {
  const fallback = {
    family: "owlvit",
    weights: "W",
    config: "C",
    vocab: "V",
    preprocessorConfig: "P",
    name: "N",
  } as const;
  assert.deepEqual(modelSpecFromFlags({ model: "owlvit", vocab: "mine" }, { fallback }), {
    family: "owlvit",
    weights: "W",
    config: "C",
    vocab: "mine",
    preprocessorConfig: "P",
    name: "N",
    options: {},
  });
  assert.throws(
    () => modelSpecFromFlags({ model: "slicvit" }, { fallback }),
    /--weights is required with --model slicvit\./,
  );
  // An inline config object is no path for --config.
  const inline = { family: "slicvit", weights: "W", vocab: "V", config: { embed_dim: 8 } } as const;
  assert.deepEqual(modelSpecFromFlags({ model: "slicvit" }, { fallback: inline }), {
    family: "slicvit",
    weights: "W",
    vocab: "V",
    options: {},
  });
});

test("missingFile rewords the error for a file flag that has no value", () => {
  assert.throws(
    () => modelSpecFromFlags({ model: "slicvit", weights: "w" }, { missingFile: "a file path" }),
    /Expected a file path for --vocab but received undefined/,
  );
});

test("--option reaches every family; optionExample rewords its error", () => {
  assert.deepEqual(modelSpecFromFlags({ ...slicvit, option: ["alpha=0.1"] }).options, { alpha: 0.1 });
  assert.throws(
    () =>
      modelSpecFromFlags(
        { model: "owlvit", weights: "w", config: "c", vocab: "v", option: ["bad"] },
        { optionExample: "mode=hf" },
      ),
    /Expected key=value \(e\.g\. --option mode=hf\) for --option but received "bad"/,
  );
});
