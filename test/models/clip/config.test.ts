import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openClipCheckpoint } from "../../../src/models/clip/checkpoint.js";
import { parseClipConfigJson } from "../../../src/models/clip/config.js";
import { writeSafetensors } from "../../../src/models/weights/safetensors-writer.js";
import { fixtureTensors, writeFixtureCheckpoint } from "../support/fixture-clip.js";

const dir = mkdtempSync(join(tmpdir(), "gritloc-config-"));
const openai = writeFixtureCheckpoint(dir);
const hf = writeFixtureCheckpoint(dir, { naming: "huggingface" });

// Fixture: slicvit/ (CLIP(embed_dim=64, vision_width=128, 3 layers, patch 14, text width 64, 2 heads, 2 layers)).
test("the config is inferred from tensor shapes like build_model, for OpenAI and Hugging Face names", async () => {
  for (const path of [openai.weights, hf.weights]) {
    const ck = await openClipCheckpoint(path);
    assert.deepEqual(ck.config, {
      embedDim: 64,
      imageResolution: 224,
      visionLayers: 3,
      visionWidth: 128,
      visionPatchSize: 14,
      visionHeads: 2,
      contextLength: 77,
      vocabSize: 49408,
      // build_model infers width // 64 = 1 head; the fixture model has 2 (see the override test).
      transformerWidth: 64,
      transformerHeads: 1,
      transformerLayers: 2,
    });
    assert.equal(ck.parameterCount, 3_983_041);
    assert.equal(ck.sha256.length, 64);
    ck.close();
  }
});

test("a config JSON with CLIP's constructor names overrides the inferred values", async () => {
  const ck = await openClipCheckpoint(openai.weights, { configPath: openai.config });
  assert.equal(ck.config.transformerHeads, 2);
  assert.equal(ck.names.naming, "openai");
  ck.close();
  const inline = await openClipCheckpoint(hf.weights, { config: { transformerHeads: 2 } });
  assert.equal(inline.config.transformerHeads, 2);
  assert.equal(inline.names.naming, "huggingface");
  inline.close();
});

test("bad config files are E_WEIGHTS_INVALID errors naming the file and key", () => {
  assert.throws(() => parseClipConfigJson("{", "c.json"), /c\.json: config is not valid JSON/);
  assert.throws(() => parseClipConfigJson("[]", "c.json"), /c\.json: config must be a JSON object/);
  assert.throws(
    () => parseClipConfigJson('{"heads": 2}', "c.json"),
    /c\.json: unknown config key "heads"; expected some of embed_dim/,
  );
  assert.throws(
    () => parseClipConfigJson('{"embed_dim": 1.5}', "c.json"),
    /config key "embed_dim" must be a positive integer, got 1.5/,
  );
});

test("a config that does not match the tensors names the first mismatching tensor", async () => {
  const bad = join(dir, "bad.json");
  writeFileSync(bad, JSON.stringify({ transformer_width: 32, transformer_heads: 2 }));
  await assert.rejects(
    openClipCheckpoint(openai.weights, { configPath: bad }),
    (e: Error & { code?: string }) => {
      assert.equal(e.code, "E_WEIGHTS_INVALID");
      assert.match(
        e.message,
        /clip-openai\.safetensors: tensor "token_embedding\.weight" has shape \[49408, 64\] but the config expects \[49408, 32\]/,
      );
      return true;
    },
  );
  writeFileSync(bad, JSON.stringify({ vision_heads: 3 }));
  await assert.rejects(
    openClipCheckpoint(openai.weights, { configPath: bad }),
    /vision width 128 is not divisible by vision heads 3/,
  );
});

test("a checkpoint missing a tensor, or not CLIP at all, is rejected with the tensor named", async () => {
  const tensors = fixtureTensors();
  delete tensors["visual.transformer.resblocks.1.mlp.c_fc.bias"];
  const partial = join(dir, "partial.safetensors");
  writeSafetensors(partial, tensors);
  await assert.rejects(
    openClipCheckpoint(partial),
    /partial\.safetensors: tensor "visual\.transformer\.resblocks\.1\.mlp\.c_fc\.bias": missing/,
  );
  const other = join(dir, "other.safetensors");
  writeSafetensors(other, { "encoder.weight": { shape: [1], data: new Float32Array(1) } });
  await assert.rejects(
    openClipCheckpoint(other),
    /other\.safetensors: not a CLIP checkpoint: found neither "visual\.conv1\.weight".*first tensors: encoder\.weight/,
  );
});
