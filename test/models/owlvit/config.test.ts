import assert from "node:assert/strict";
import { test } from "node:test";
import { isGritlocError } from "../../../src/errors.js";
import { parseOwlVitConfig, readOwlVitConfig } from "../../../src/models/owlvit/config.js";
import { fixturePath } from "../../support/fixtures.js";

test("the fixture config.json parses into the tiny model's sizes", () => {
  const c = readOwlVitConfig(fixturePath("owlvit", "config.json"));
  assert.deepEqual(c.vision, {
    hiddenSize: 64,
    intermediateSize: 128,
    numHiddenLayers: 2,
    numAttentionHeads: 2,
    imageSize: 768,
    patchSize: 32,
    layerNormEps: 1e-5,
  });
  assert.equal(c.text.maxPositionEmbeddings, 16);
  assert.equal(c.projectionDim, 64);
});

test("missing keys take configuration_owlvit.py's defaults (B/32), also from *_config_dict sections", () => {
  const c = parseOwlVitConfig(
    '{"model_type": "owlvit", "text_config_dict": {"num_hidden_layers": 3}}',
    "c.json",
  );
  assert.equal(c.text.numHiddenLayers, 3);
  assert.equal(c.text.hiddenSize, 512);
  assert.equal(c.text.numAttentionHeads, 8);
  assert.deepEqual([c.vision.hiddenSize, c.vision.imageSize, c.vision.patchSize], [768, 768, 32]);
  assert.equal(c.projectionDim, 512);
});

const bad: [string, string, RegExp][] = [
  ["not JSON", "{", /c\.json: not valid JSON/],
  ["another model type", '{"model_type": "clip"}', /model_type is "clip", expected "owlvit"/],
  [
    "a fractional size",
    '{"vision_config": {"hidden_size": 64.5}}',
    /vision_config\.hidden_size must be a positive integer, got 64\.5/,
  ],
  [
    "another activation",
    '{"text_config": {"hidden_act": "gelu"}}',
    /text_config\.hidden_act is "gelu"; only "quick_gelu"/,
  ],
  [
    "heads that do not divide the width",
    '{"vision_config": {"hidden_size": 64, "num_attention_heads": 3}}',
    /hidden_size 64 is not divisible by num_attention_heads 3/,
  ],
  [
    "an image size that is not a multiple of the patch",
    '{"vision_config": {"image_size": 100}}',
    /image_size 100 is not a multiple of patch_size 32/,
  ],
  [
    "a projection unlike the text width",
    '{"projection_dim": 256}',
    /projection_dim 256 differs from text_config\.hidden_size 512/,
  ],
];
for (const [what, json, message] of bad) {
  test(`a config with ${what} is E_WEIGHTS_INVALID naming the file and key`, () => {
    assert.throws(
      () => parseOwlVitConfig(json, "c.json"),
      (e: unknown) =>
        isGritlocError(e, "E_WEIGHTS_INVALID") &&
        message.test(e.message) &&
        /gritloc models fetch/.test(e.message),
    );
  });
}

test("a missing config file is E_NOT_FOUND with the next step", () => {
  assert.throws(
    () => readOwlVitConfig("/nonexistent/config.json"),
    (e: unknown) =>
      isGritlocError(e, "E_NOT_FOUND") && /\/nonexistent\/config\.json.*gritloc models fetch/.test(e.message),
  );
});
