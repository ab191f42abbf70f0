import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { isGritlocError } from "../../../src/errors.js";
import { openOwlVitCheckpoint } from "../../../src/models/owlvit/checkpoint.js";
import { type SafetensorsTensor, writeSafetensors } from "../../../src/models/weights/safetensors-writer.js";
import { fixturePath, readF32, readFixtureJson } from "../../support/fixtures.js";

const work = mkdtempSync(join(tmpdir(), "gritloc-owlvit-ckpt-"));
after(() => rmSync(work, { recursive: true, force: true }));
const config = fixturePath("owlvit", "config.json");

function fixtureTensors(): Record<string, SafetensorsTensor> {
  const manifest = readFixtureJson<{ tensors: { name: string; file: string; shape: number[] }[] }>(
    "owlvit",
    "weights",
    "manifest.json",
  );
  return Object.fromEntries(
    manifest.tensors.map((t) => [t.name, { shape: t.shape, data: readF32("owlvit", "weights", t.file) }]),
  );
}

function write(name: string, tensors: Record<string, SafetensorsTensor>): string {
  const path = join(work, `${name}.safetensors`);
  writeSafetensors(path, tensors);
  return path;
}

test("the fixture checkpoint opens with its config, names and parameter count", async () => {
  const ckpt = await openOwlVitCheckpoint(write("ok", fixtureTensors()), config);
  try {
    assert.equal(ckpt.names.vision.blocks.length, 2);
    assert.equal(ckpt.names.vision.preLayerNorm.weight, "owlvit.vision_model.pre_layernorm.weight");
    assert.equal(ckpt.sha256.length, 64);
    const total = Object.values(fixtureTensors()).reduce((n, t) => n + t.data.length, 0);
    assert.equal(ckpt.parameterCount, total);
  } finally {
    ckpt.close();
  }
});

const cases: [string, (t: Record<string, SafetensorsTensor>) => void, RegExp][] = [
  [
    "a CLIP (not OWL-ViT) checkpoint",
    (t) => delete t["owlvit.vision_model.embeddings.patch_embedding.weight"],
    /not an OwlViTForObjectDetection checkpoint.*"owlvit\.vision_model\.embeddings\.patch_embedding\.weight" is missing/,
  ],
  [
    "a missing head tensor",
    (t) => delete t["box_head.dense2.bias"],
    /tensor "box_head\.dense2\.bias" is missing/,
  ],
  [
    "a tensor whose shape disagrees with the config",
    (t) => (t["class_head.dense0.weight"] = { shape: [32, 64], data: new Float32Array(32 * 64) }),
    /tensor "class_head\.dense0\.weight" has shape \[32, 64\] but the config implies \[64, 64\]/,
  ],
  [
    "more layers than the config says",
    (t) => {
      for (const [name, tensor] of Object.entries(t)) {
        if (name.startsWith("owlvit.text_model.encoder.layers.1."))
          t[name.replace("layers.1.", "layers.2.")] = tensor;
      }
    },
    /more than 2 layers in owlvit\.text_model; text_config\.num_hidden_layers is 2/,
  ],
];
for (const [what, edit, message] of cases) {
  test(`${what} is E_WEIGHTS_INVALID naming the file and tensor`, async () => {
    const tensors = fixtureTensors();
    edit(tensors);
    const path = write(what.replaceAll(" ", "-"), tensors);
    await assert.rejects(openOwlVitCheckpoint(path, config), (e: unknown) => {
      return isGritlocError(e, "E_WEIGHTS_INVALID") && e.message.includes(path) && message.test(e.message);
    });
  });
}

test("a layer_norm_eps other than 1e-5 is refused", async () => {
  const changed = join(work, "eps.json");
  const raw = readFixtureJson<{ vision_config: Record<string, unknown> }>("owlvit", "config.json");
  raw.vision_config.layer_norm_eps = 1e-6;
  writeFileSync(changed, JSON.stringify(raw));
  await assert.rejects(
    openOwlVitCheckpoint(write("eps", fixtureTensors()), changed),
    (e: unknown) =>
      isGritlocError(e, "E_WEIGHTS_INVALID") &&
      /vision_config\.layer_norm_eps 0\.000001 is not supported/.test(e.message),
  );
});

test("missing weights or config files are E_NOT_FOUND", async () => {
  await assert.rejects(
    openOwlVitCheckpoint(join(work, "none.safetensors"), config),
    (e: unknown) => isGritlocError(e, "E_NOT_FOUND") && /none\.safetensors/.test(e.message),
  );
  await assert.rejects(
    openOwlVitCheckpoint(join(work, "x"), join(work, "none.json")),
    (e: unknown) => isGritlocError(e, "E_NOT_FOUND") && /none\.json/.test(e.message),
  );
});
