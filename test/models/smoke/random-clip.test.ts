import assert from "node:assert/strict";
import { test } from "node:test";
import { clipCheckpointFromTensors } from "../../../src/models/clip/checkpoint.js";
import { ByteTokenizer } from "../../../src/models/smoke/byte-tokenizer.js";
import { randomClipTensors, SMOKE_CLIP_CONFIG } from "../../../src/models/smoke/random-clip.js";
import { seededUniform } from "../../../src/seeded-uniform.js";

test("the smoke weights for seed 0 are the same on every machine (golden sha256 of names, shapes, bytes)", () => {
  // Recorded when the generator was written; it uses 32-bit integer operations and one multiplication per
  // value, so any change here means the generator (and every smoke run's optionsHash) changed.
  const checkpoint = clipCheckpointFromTensors(
    randomClipTensors(SMOKE_CLIP_CONFIG, 0),
    SMOKE_CLIP_CONFIG,
    "smoke",
  );
  assert.equal(checkpoint.sha256, "fc9dd9dccd2fb51de90d742ea8fc2df1e97412f180d3ea31fcc6c7446e5e33c6");
  assert.equal(checkpoint.parameterCount, 1_650_945);
  assert.notEqual(
    clipCheckpointFromTensors(randomClipTensors(SMOKE_CLIP_CONFIG, 1), SMOKE_CLIP_CONFIG, "smoke").sha256,
    checkpoint.sha256,
  );
});

test("the seeded generator is uniform in [0, 1)", () => {
  const next = seededUniform(42);
  let sum = 0;
  for (let i = 0; i < 100_000; i++) {
    const u = next();
    assert.ok(u >= 0 && u < 1);
    sum += u;
  }
  assert.ok(Math.abs(sum / 100_000 - 0.5) < 0.01);
});

test("the byte fallback tokenizer writes SOT, UTF-8 bytes, EOT and zero padding; long texts end with EOT", () => {
  const ids = new ByteTokenizer().encode(["hi", "é", "x".repeat(100)], 8);
  assert.deepEqual([...ids.subarray(0, 8)], [49406, 104, 105, 49407, 0, 0, 0, 0]);
  assert.deepEqual([...ids.subarray(8, 16)], [49406, 0xc3, 0xa9, 49407, 0, 0, 0, 0]);
  assert.deepEqual([...ids.subarray(16, 24)], [49406, 120, 120, 120, 120, 120, 120, 49407]);
});
