/**
 * The seeded random RegionCLIP (bench/regionclip.ts, `gritloc doctor`): written as .safetensors and read back
 * by openRegionClipWeights bit for bit, in RN50's topology at the drawn widths, and the same bytes per seed.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openRegionClipWeights } from "../../../src/models/regionclip/checkpoint.js";
import { readClipResNetTopology } from "../../../src/models/regionclip/clip-resnet-topology.js";
import {
  addClipResNet,
  type RandomRegionClipSize,
  RandomWeights,
  REGIONCLIP_RN50_SIZE,
  randomRegionClipWeights,
  writeRandomRegionClip,
} from "../../../src/models/regionclip/random-regionclip.js";
import { inferRpnTopology } from "../../../src/models/regionclip/rpn-graph.js";
import { regionClipTextConfig } from "../../../src/models/regionclip/text-encoder.js";
import { tensorSourceWeightReader } from "../../../src/models/weights/tensor-source.js";

const dir = mkdtempSync(join(tmpdir(), "gritloc-random-regionclip-"));
const SIZE: RandomRegionClipSize = {
  clipWidth: 8,
  embedDim: 32,
  rpnStem: 8,
  rpnBottleneck: 4,
  fpnChannels: 16,
  textWidth: 64,
  textLayers: 2,
};
const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

test("a written random RegionCLIP opens with openRegionClipWeights alone, every tensor bit for bit, in RN50's topology", async () => {
  const path = join(dir, "random.safetensors");
  const parameters = writeRandomRegionClip(path, SIZE, 3);
  const drawn = randomRegionClipWeights(SIZE, 3);
  assert.equal(parameters, drawn.parameters);
  const weights = await openRegionClipWeights({ weights: path });
  const names = Object.keys(drawn.tensors);
  // The loader adds only the zero background classifier row.
  assert.deepEqual(
    [...weights.entries.keys()].filter((n) => !n.startsWith("roi_heads.")).sort(),
    [...names].sort(),
  );
  for (const name of names) assert.ok(bits(weights.readFloat32(name)).equals(bits(drawn.read(name))), name);
  const reader = tensorSourceWeightReader(weights);
  const clip = readClipResNetTopology(reader);
  assert.deepEqual(clip.layers, [3, 4, 6, 3]);
  assert.deepEqual(clip.stemWidths, [4, 4, 8]);
  assert.deepEqual(
    [clip.res4Channels, clip.res5Channels, clip.heads, clip.res5Grid, clip.embedDim],
    [128, 256, 4, 7, 32],
  );
  assert.deepEqual(inferRpnTopology(reader), {
    blocks: [3, 4, 6, 3],
    fpnChannels: 16,
    anchorsPerLocation: 3,
  });
  const text = regionClipTextConfig(weights);
  assert.deepEqual(
    [text.width, text.heads, text.layers, text.contextLength, text.vocabSize, text.embedDim],
    [64, 1, 2, 77, 49408, 32],
  );
  weights.close();
});

test("the same seed writes the same bytes; another seed other values", () => {
  const [a, b, c] = ["a", "b", "c"].map((n) => join(dir, `${n}.safetensors`));
  writeRandomRegionClip(a, SIZE, 0);
  writeRandomRegionClip(b, SIZE, 0);
  writeRandomRegionClip(c, SIZE, 1);
  assert.ok(readFileSync(a).equals(readFileSync(b)));
  assert.ok(!readFileSync(a).equals(readFileSync(c)));
});

test("REGIONCLIP_RN50_SIZE draws CLIP RN50's recognition branch: res4 1024, res5 2048, 32 heads, D 1024", () => {
  const weights = new RandomWeights(0);
  addClipResNet(weights, REGIONCLIP_RN50_SIZE);
  const clip = readClipResNetTopology(weights);
  assert.deepEqual(clip.stemWidths, [32, 32, 64]);
  assert.deepEqual([clip.res4Channels, clip.res5Channels, clip.heads, clip.embedDim], [1024, 2048, 32, 1024]);
});
