import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { SafetensorsFile } from "../../../src/models/weights/safetensors-reader.js";
import { readTensors, tensorSourceWeightReader } from "../../../src/models/weights/tensor-source.js";
import {
  openTorchStateDict,
  readTorchTensor,
  TorchCheckpoint,
} from "../../../src/models/weights/torch-checkpoint.js";
import { fixturePath } from "../../support/fixtures.js";
import { f32Bytes, PickleBuilder, writeStateDict, writeTorchZip } from "./support/torch-save.js";

const dir = mkdtempSync(join(tmpdir(), "gritloc-torch-"));

function isWeightsError(pattern: RegExp) {
  return (e: Error & { code?: string }) => {
    assert.equal(e.code, "E_WEIGHTS_INVALID");
    assert.match(e.message, pattern);
    return true;
  };
}

test("a {'model': state_dict} checkpoint gives its tensors by name, shape and value, and _metadata versions", async () => {
  const path = join(dir, "model.pth");
  writeStateDict(
    path,
    {
      "a.weight": { shape: [2, 3], values: [1, 2, 3, 4, 5, 6.5] },
      "a.bias": { shape: [2], values: [-1, 0.25] },
    },
    { "": 1, a: 2 },
  );
  const sd = await openTorchStateDict(path);
  assert.deepEqual([...sd.entries.keys()], ["a.weight", "a.bias"]);
  const entry = sd.entries.get("a.weight")!;
  assert.deepEqual([entry.name, entry.dtype, entry.shape], ["a.weight", "F32", [2, 3]]);
  assert.deepEqual([...sd.readFloat32("a.weight")], [1, 2, 3, 4, 5, 6.5]);
  assert.equal(sd.hasMetadata, true);
  assert.equal(sd.moduleVersion("a"), 2);
  assert.equal(sd.moduleVersion("b"), undefined);
  const reader = tensorSourceWeightReader(sd);
  assert.deepEqual(reader.shape("a.bias"), [2]);
  assert.deepEqual([...readTensors(sd).get("a.bias")!.data], [-1, 0.25]);
  assert.throws(() => sd.readFloat32("nope"), isWeightsError(/model\.pth: tensor "nope": missing/));
  assert.throws(() => reader.shape("nope"), isWeightsError(/tensor "nope": missing/));
  sd.close();
});

test("a bare state dict (no 'model' key) with DistributedDataParallel's 'module.' prefix is read unprefixed", async () => {
  const path = join(dir, "ddp.pth");
  writeStateDict(
    path,
    { "module.x": { shape: [1], values: [3] }, "module.y.z": { shape: [1], values: [4] } },
    undefined,
    false,
  );
  const sd = await openTorchStateDict(path);
  assert.deepEqual([...sd.entries.keys()], ["x", "y.z"]);
  assert.equal(sd.hasMetadata, false);
  assert.deepEqual([...sd.readFloat32("y.z")], [4]);
  sd.close();
});

test("strided views are copied into C order and storage offsets are honoured (a transposed slice)", async () => {
  const path = join(dir, "strided.pth");
  // storage 0..11 as [3, 4]; the view is its transpose without the first column: offset 1, size [3, 3], stride [1, 4].
  const p = new PickleBuilder().proto().orderedDict().mark();
  p.str("t").tensor({ key: "0", numel: 12, shape: [3, 3], stride: [1, 4], offset: 1 });
  p.str("c").tensor({ key: "0", numel: 12, shape: [2, 4], offset: 4 });
  writeTorchZip(path, p.setitems().stop().bytes(), { "0": f32Bytes([...Array(12).keys()]) });
  const sd = await openTorchStateDict(path);
  assert.deepEqual([...sd.readFloat32("t")], [1, 5, 9, 2, 6, 10, 3, 7, 11]);
  assert.deepEqual([...sd.readFloat32("c")], [4, 5, 6, 7, 8, 9, 10, 11]);
  sd.close();
});

test("half-precision storages are widened to float32; integer storages are not float weights", async () => {
  const path = join(dir, "half.pth");
  const p = new PickleBuilder().proto().orderedDict().mark();
  p.str("h").tensor({ key: "0", numel: 2, shape: [2], storageType: "HalfStorage" });
  p.str("i").tensor({ key: "1", numel: 1, shape: [], storageType: "LongStorage" });
  const half = new Uint8Array(new Uint16Array([0x3c00, 0xc100]).buffer); // 1, -2.5
  writeTorchZip(path, p.setitems().stop().bytes(), { "0": half, "1": new Uint8Array(8) });
  const sd = await openTorchStateDict(path);
  assert.equal(sd.entries.get("h")!.dtype, "F16");
  assert.deepEqual([...sd.readFloat32("h")], [1, -2.5]);
  assert.throws(() => sd.readFloat32("i"), isWeightsError(/tensor "i": dtype I64 is not a float type/));
  sd.close();
});

test("a view beyond its storage, a short storage member or damaged bytes are errors naming the file", async () => {
  const beyond = join(dir, "beyond.pth");
  const p = new PickleBuilder()
    .proto()
    .orderedDict()
    .mark()
    .str("t")
    .tensor({ key: "0", numel: 2, shape: [3] });
  writeTorchZip(beyond, p.setitems().stop().bytes(), { "0": f32Bytes([1, 2]) });
  const sd = await openTorchStateDict(beyond);
  assert.throws(
    () => sd.readFloat32("t"),
    isWeightsError(/beyond\.pth: tensor "t" reaches element 2 of a 2-element storage/),
  );
  sd.close();

  const short = join(dir, "short.pth");
  const q = new PickleBuilder()
    .proto()
    .orderedDict()
    .mark()
    .str("t")
    .tensor({ key: "0", numel: 4, shape: [4] });
  writeTorchZip(short, q.setitems().stop().bytes(), { "0": f32Bytes([1, 2]) });
  await assert.rejects(
    openTorchStateDict(short),
    isWeightsError(/short\.pth: storage 0 holds 8 bytes, fewer than 4 F32/),
  );

  const damaged = join(dir, "damaged.pth");
  writeStateDict(damaged, { w: { shape: [2], values: [1.5, 2.5] } });
  const bytes = readFileSync(damaged);
  const at = bytes.indexOf(Buffer.from(f32Bytes([1.5, 2.5])));
  bytes[at] ^= 0xff;
  writeFileSync(damaged, bytes);
  const hurt = await openTorchStateDict(damaged);
  assert.throws(
    () => hurt.readFloat32("w"),
    isWeightsError(/damaged\.pth: member archive\/data\/0 is damaged/),
  );
  hurt.close();
});

test("a missing file is E_NOT_FOUND; a file that is not a zip checkpoint is E_WEIGHTS_INVALID naming it", async () => {
  await assert.rejects(TorchCheckpoint.open(join(dir, "absent.pth")), { code: "E_NOT_FOUND" });
  const legacy = join(dir, "legacy.pth");
  writeFileSync(legacy, new PickleBuilder().proto().int(1).stop().bytes());
  await assert.rejects(
    TorchCheckpoint.open(legacy),
    isWeightsError(/legacy\.pth: not a zip-format PyTorch checkpoint/),
  );
});

test("a file holding one saved tensor reads as that tensor; a state dict is not one", async () => {
  const emb = await readTorchTensor(fixturePath("regionclip", "concept_emb.pth"));
  const text = SafetensorsFile.open(fixturePath("regionclip", "text.safetensors"));
  assert.deepEqual(emb.shape, [20, 64]);
  assert.deepEqual(
    emb.data,
    text.readFloat32("text.concept_emb"),
    "concept_emb.pth = text.concept_emb bit for bit",
  );
  text.close();
  const path = join(dir, "sd.pth");
  writeStateDict(path, { w: { shape: [1], values: [1] } });
  await assert.rejects(readTorchTensor(path), isWeightsError(/sd\.pth: holds no single tensor/));
});

test("RegionCLIP's fixture checkpoints unpickle with their tensors, storages and _metadata", async () => {
  const sd = await openTorchStateDict(fixturePath("regionclip", "regionclip.pth"));
  assert.equal(sd.entries.size, 884);
  assert.equal(sd.moduleVersion("backbone.bn1"), 3);
  assert.deepEqual(sd.entries.get("backbone.attnpool.positional_embedding")?.shape, [50, 256]);
  sd.close();
  const rpn = await openTorchStateDict(fixturePath("regionclip", "rpn.pth"));
  assert.equal(rpn.entries.size, 307);
  rpn.close();
});
