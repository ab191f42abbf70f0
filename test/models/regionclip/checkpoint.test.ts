import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { CLS_BG_SCORE, CLS_SCORE, openRegionClipWeights } from "../../../src/models/regionclip/checkpoint.js";
import { SafetensorsFile } from "../../../src/models/weights/safetensors-reader.js";
import { writeSafetensors } from "../../../src/models/weights/safetensors-writer.js";
import { openTorchStateDict } from "../../../src/models/weights/torch-checkpoint.js";
import { fixturePath } from "../../support/fixtures.js";
import { writeStateDict } from "../weights/support/torch-save.js";

const dir = mkdtempSync(join(tmpdir(), "gritloc-regionclip-ckpt-"));
const fixture = (name: string) => fixturePath("regionclip", name);

const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

test("regionclip.pth + rpn.pth + concept_emb.pth give exactly weights.safetensors: same names, shapes and bits", async () => {
  const weights = await openRegionClipWeights({
    weights: fixture("regionclip.pth"),
    rpnWeights: fixture("rpn.pth"),
    classEmbeddings: fixture("concept_emb.pth"),
  });
  const reference = SafetensorsFile.open(fixture("weights.safetensors"));
  assert.deepEqual([...weights.entries.keys()].sort(), [...reference.entries.keys()].sort());
  assert.equal(weights.entries.size, 602);
  const differing: string[] = [];
  for (const name of reference.entries.keys()) {
    assert.deepEqual(weights.entries.get(name)?.shape, reference.entry(name).shape, name);
    if (!bits(weights.readFloat32(name)).equals(bits(reference.readFloat32(name)))) differing.push(name);
  }
  assert.deepEqual(differing, []);
  reference.close();
  weights.close();
});

test("without RPN weights the offline R50-FPN + RPN come from the RegionCLIP file (the custom-image demo path)", async () => {
  const weights = await openRegionClipWeights({ weights: fixture("regionclip.pth") });
  const main = await openTorchStateDict(fixture("regionclip.pth"));
  const offline = [...weights.entries.keys()].filter((n) => n.startsWith("offline_"));
  assert.equal(offline.length, 287);
  for (const name of offline)
    assert.ok(bits(weights.readFloat32(name)).equals(bits(main.readFloat32(name))), name);
  assert.equal(weights.entries.has(CLS_SCORE), false, "no class embeddings given");
  assert.deepEqual(weights.entries.get(CLS_BG_SCORE)?.shape, [1, 64]);
  assert.deepEqual([...weights.readFloat32(CLS_BG_SCORE)], new Array(64).fill(0));
  assert.equal(
    [...weights.entries.keys()].some((n) => n.startsWith("teacher_backbone.")),
    false,
  );
  main.close();
  weights.close();
});

/** A minimal RegionCLIP-like file: one FrozenBN in backbone and offline_backbone, attnpool's c_proj. */
function writeTinyRegionClip(path: string, metadata?: Record<string, number>) {
  writeStateDict(
    path,
    {
      "backbone.bn1.running_var": { shape: [2], values: [1, 0.5] },
      "backbone.bn1.running_mean": { shape: [2], values: [0.1, 0.2] },
      "backbone.attnpool.c_proj.weight": { shape: [3, 2], values: [1, 2, 3, 4, 5, 6] },
      "offline_backbone.bottom_up.stem.conv1.norm.running_var": { shape: [1], values: [2] },
      "offline_proposal_generator.rpn_head.conv.bias": { shape: [1], values: [0] },
      "teacher_backbone.bn1.running_var": { shape: [1], values: [9] },
    },
    metadata,
  );
}

test("FrozenBN's version rule: running_var − 1e-5 only where the RegionCLIP file's _metadata says version < 3", async () => {
  const old = join(dir, "v2.pth");
  writeTinyRegionClip(old, { "backbone.bn1": 2, "offline_backbone.bottom_up.stem.conv1.norm": 1 });
  const upgraded = await openRegionClipWeights({ weights: old });
  const eps = Math.fround(1e-5);
  assert.deepEqual(
    [...upgraded.readFloat32("backbone.bn1.running_var")],
    [Math.fround(1 - eps), Math.fround(0.5 - eps)],
  );
  assert.deepEqual(
    [...upgraded.readFloat32("offline_backbone.bottom_up.stem.conv1.norm.running_var")],
    [Math.fround(2 - eps)],
  );
  assert.deepEqual(
    [...upgraded.readFloat32("backbone.bn1.running_mean")],
    [Math.fround(0.1), Math.fround(0.2)],
  );
  upgraded.close();

  for (const [label, metadata] of [
    ["version 3", { "backbone.bn1": 3 }],
    ["no _metadata", undefined],
    ["no entry for the module", { "": 1 }],
  ] as const) {
    const path = join(dir, `${label.replaceAll(" ", "-")}.pth`);
    writeTinyRegionClip(path, metadata);
    const kept = await openRegionClipWeights({ weights: path });
    assert.deepEqual([...kept.readFloat32("backbone.bn1.running_var")], [1, 0.5], label);
    kept.close();
  }
});

test("the RPN file is renamed (backbone → offline_backbone, proposal_generator → …), roi_heads dropped, its _metadata ignored", async () => {
  const main = join(dir, "main.pth");
  writeTinyRegionClip(main);
  const rpn = join(dir, "rpn.pth");
  writeStateDict(
    rpn,
    {
      "backbone.bottom_up.stem.conv1.norm.running_var": { shape: [1], values: [4] },
      "backbone.fpn_lateral2.weight": { shape: [1], values: [5] },
      "proposal_generator.rpn_head.conv.bias": { shape: [1], values: [6] },
      "roi_heads.box_predictor.cls_score.weight": { shape: [1], values: [7] },
    },
    // detectron2 hands these tensors to load_state_dict in a new dict: this version never reaches FrozenBN.
    { "backbone.bottom_up.stem.conv1.norm": 2 },
  );
  const weights = await openRegionClipWeights({ weights: main, rpnWeights: rpn });
  const offline = [...weights.entries.keys()].filter((n) => n.startsWith("offline_")).sort();
  assert.deepEqual(offline, [
    "offline_backbone.bottom_up.stem.conv1.norm.running_var",
    "offline_backbone.fpn_lateral2.weight",
    "offline_proposal_generator.rpn_head.conv.bias",
  ]);
  assert.deepEqual([...weights.readFloat32("offline_backbone.bottom_up.stem.conv1.norm.running_var")], [4]);
  assert.equal(weights.entries.has(CLS_SCORE), false);
  weights.close();
});

test("wrong files are E_WEIGHTS_INVALID naming them: not RegionCLIP, an RPN file without an RPN, mis-sized embeddings", async () => {
  await assert.rejects(
    openRegionClipWeights({ weights: fixture("rpn.pth") }),
    (e: Error & { code?: string }) =>
      e.code === "E_WEIGHTS_INVALID" && /rpn\.pth: not a RegionCLIP checkpoint/.test(e.message),
  );
  const noRpn = join(dir, "no-rpn.pth");
  writeStateDict(noRpn, { "backbone.x": { shape: [1], values: [1] } });
  await assert.rejects(
    openRegionClipWeights({ weights: fixture("regionclip.pth"), rpnWeights: noRpn }),
    /no-rpn\.pth: has no backbone\.\* tensors|no-rpn\.pth: has no proposal_generator\.\* tensors/,
  );
  const main = join(dir, "main-emb.pth");
  writeTinyRegionClip(main);
  await assert.rejects(
    openRegionClipWeights({ weights: main, classEmbeddings: fixture("concept_emb.pth") }),
    /concept_emb\.pth: class embeddings have shape \[20, 64\], expected \[K, 3\]/,
  );
  await assert.rejects(openRegionClipWeights({ weights: join(dir, "absent.pth") }), { code: "E_NOT_FOUND" });
});

test("weights.safetensors read as the weights file gives the same 602 tensors, bit for bit, as the three .pth files", async () => {
  const fromPth = await openRegionClipWeights({
    weights: fixture("regionclip.pth"),
    rpnWeights: fixture("rpn.pth"),
    classEmbeddings: fixture("concept_emb.pth"),
  });
  // Its offline_* tensors and cls_score.weight come from the file itself: no RPN or class-embeddings file.
  const fromSafetensors = await openRegionClipWeights({ weights: fixture("weights.safetensors") });
  assert.deepEqual([...fromSafetensors.entries.keys()].sort(), [...fromPth.entries.keys()].sort());
  const differing: string[] = [];
  for (const [name, info] of fromPth.entries) {
    assert.deepEqual(fromSafetensors.entries.get(name)?.shape, info.shape, name);
    if (!bits(fromSafetensors.readFloat32(name)).equals(bits(fromPth.readFloat32(name))))
      differing.push(name);
  }
  assert.deepEqual(differing, []);
  fromPth.close();
  fromSafetensors.close();
});

test("a .safetensors weights file: a class-embeddings file replaces its cls_score, an RPN file its offline_* tensors", async () => {
  const weights = await openRegionClipWeights({
    weights: fixture("weights.safetensors"),
    rpnWeights: fixture("rpn.pth"),
    classEmbeddings: fixture("concept_emb.pth"),
  });
  const rpn = await openTorchStateDict(fixture("rpn.pth"));
  const name = "offline_proposal_generator.rpn_head.conv.weight";
  assert.ok(
    bits(weights.readFloat32(name)).equals(bits(rpn.readFloat32("proposal_generator.rpn_head.conv.weight"))),
  );
  assert.deepEqual(weights.entries.get(CLS_SCORE)?.shape, [20, 64]);
  rpn.close();
  weights.close();
});

test("a .safetensors weights file whose cls_score is not [K, D] is E_WEIGHTS_INVALID naming it", async () => {
  const reference = SafetensorsFile.open(fixture("weights.safetensors"));
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [name, entry] of reference.entries)
    tensors[name] = { shape: [...entry.shape], data: reference.readFloat32(name) };
  reference.close();
  tensors[CLS_SCORE] = { shape: [20, 32], data: new Float32Array(640) };
  const path = join(dir, "narrow-classes.safetensors");
  writeSafetensors(path, tensors);
  await assert.rejects(
    openRegionClipWeights({ weights: path }),
    (e: Error & { code?: string }) =>
      e.code === "E_WEIGHTS_INVALID" &&
      /narrow-classes\.safetensors: class embeddings have shape \[20, 32\], expected \[K, 64\]/.test(
        e.message,
      ),
  );
});

test("an RPN .safetensors under detectron2's names is renamed like rpn.pth", async () => {
  const rpn = await openTorchStateDict(fixture("rpn.pth"));
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [name, entry] of rpn.entries)
    if (entry.dtype === "F32") tensors[name] = { shape: [...entry.shape], data: rpn.readFloat32(name) };
  rpn.close();
  const path = join(dir, "rpn.safetensors");
  writeSafetensors(path, tensors);
  const fromPth = await openRegionClipWeights({
    weights: fixture("regionclip.pth"),
    rpnWeights: fixture("rpn.pth"),
  });
  const fromSafetensors = await openRegionClipWeights({
    weights: fixture("regionclip.pth"),
    rpnWeights: path,
  });
  const offline = [...fromPth.entries.keys()].filter((n) => n.startsWith("offline_"));
  assert.equal(offline.length, 287);
  assert.deepEqual([...fromSafetensors.entries.keys()].sort(), [...fromPth.entries.keys()].sort());
  for (const name of offline)
    assert.ok(bits(fromSafetensors.readFloat32(name)).equals(bits(fromPth.readFloat32(name))), name);
  fromPth.close();
  fromSafetensors.close();
});
