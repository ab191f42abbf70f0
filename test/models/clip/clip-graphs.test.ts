import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type ClipCheckpoint, openClipCheckpoint } from "../../../src/models/clip/checkpoint.js";
import { buildSpatialVisionModel } from "../../../src/models/clip/clip-graphs.js";
import { ClipTextEncoder } from "../../../src/models/clip/clip-text-encoder.js";
import { clipPixelValues } from "../../../src/models/clip/preprocess.js";
import { SpatialVisionEncoder } from "../../../src/models/clip/spatial-vision-encoder.js";
import { buildRegionAttentionIndex } from "../../../src/models/slicvit/attention-index.js";
import type { ExecutionChoice } from "../../../src/onnx/session.js";
import { assertClose, maxAbsDiff } from "../../support/assert-close.js";
import { readF32, readI32 } from "../../support/fixtures.js";
import { writeFixtureCheckpoint } from "../support/fixture-clip.js";
import { fixtureLabelMaps, fixtureResized } from "../support/fixture-labels.js";

// Fixture: slicvit/ (seed-0 random CLIP; reference outputs of upstream PyTorch). Tolerance 1e-4 abs for text
// features and region embeddings (fixture README: observed float64-vs-float32 differences ≤ 2.1e-6).
const TOL = { atol: 1e-4 };
const IMAGES = ["astronaut", "coffee", "chelsea", "grit_localization_0", "grit_refexp_0"];
const CPU: ExecutionChoice = { provider: "cpu", precision: "fp32", threads: undefined, reason: "test" };
const dir = mkdtempSync(join(tmpdir(), "gritloc-clip-"));
const cacheDir = join(dir, "cache");
let openai: ClipCheckpoint;
let hf: ClipCheckpoint;

before(async () => {
  const a = writeFixtureCheckpoint(dir);
  const b = writeFixtureCheckpoint(dir, { naming: "huggingface" });
  openai = await openClipCheckpoint(a.weights, { configPath: a.config });
  hf = await openClipCheckpoint(b.weights, { configPath: b.config });
});
after(() => {
  openai.close();
  hf.close();
});

/** Region embeddings per mask (expanding shared regions) for a fixture image. */
async function maskEmbeddings(encoder: SpatialVisionEncoder, name: string): Promise<Float32Array> {
  const index = buildRegionAttentionIndex(fixtureLabelMaps(name), encoder.grid, encoder.rowGroups);
  const regions = await encoder.embed(clipPixelValues(fixtureResized(name)), index);
  const d = encoder.embedDim;
  const out = new Float32Array(index.maskCount * d);
  for (let m = 0; m < index.maskCount; m++)
    out.set(regions.subarray(index.maskRegion[m] * d, (index.maskRegion[m] + 1) * d), m * d);
  return out;
}

async function allTextFeatures(checkpoint: ClipCheckpoint): Promise<Float32Array> {
  const encoder = await ClipTextEncoder.load(checkpoint, CPU, cacheDir);
  const tokens = readI32("clip", "tokens.i32");
  const out = await encoder.embed(tokens, tokens.length / 77);
  await encoder.dispose();
  return out;
}

test("text features of all 299 token rows match encode_text within 1e-4 (EOT = argmax id)", async () => {
  const got = await allTextFeatures(openai);
  assertClose(got, readF32("slicvit", "text_features_all.f32"), TOL, "text_features_all");
});

test("region embeddings of all five images match CLIPMaskedSpatialViT within 1e-4 (padded attention)", async () => {
  const encoder = await SpatialVisionEncoder.load(openai, CPU, cacheDir, { upsample: 2, startBlock: 0 });
  assert.equal(encoder.attention, "padded");
  assert.equal(encoder.grid, 32);
  for (const name of IMAGES) {
    assertClose(
      await maskEmbeddings(encoder, name),
      readF32("slicvit", `${name}_region_emb.f32`),
      TOL,
      `${name} region_emb`,
    );
  }
  await encoder.dispose();
});

test("the dense attention layout (used on CUDA) gives the same region embeddings", async () => {
  const encoder = await SpatialVisionEncoder.load(openai, CPU, cacheDir, {
    upsample: 2,
    startBlock: 0,
    attention: "dense",
  });
  assertClose(
    await maskEmbeddings(encoder, "coffee"),
    readF32("slicvit", "coffee_region_emb.f32"),
    TOL,
    "coffee dense",
  );
  await encoder.dispose();
});

test("empty row groups and 1025-token rows give the dense layout's embeddings", async () => {
  // Two levels: left/right halves (512 patches each) and the whole image (1024): two row lengths, so with three
  // row groups one is empty. Tolerance 1e-5: both layouts compute the same float32 softmax in another order.
  const halves = Int32Array.from({ length: 224 * 224 }, (_, i) => (i % 224 < 112 ? 1 : 2));
  const maps = [
    { labels: halves, count: 2, width: 224, height: 224 },
    { labels: new Int32Array(224 * 224).fill(1), count: 1, width: 224, height: 224 },
  ];
  const pixels = clipPixelValues(fixtureResized("coffee"));
  const dense = await SpatialVisionEncoder.load(openai, CPU, cacheDir, {
    upsample: 2,
    startBlock: 0,
    attention: "dense",
  });
  const expected = await dense.embed(pixels, buildRegionAttentionIndex(maps, 32));
  await dense.dispose();
  const padded = await SpatialVisionEncoder.load(openai, CPU, cacheDir, { upsample: 2, startBlock: 0 });
  const index = buildRegionAttentionIndex(maps, 32, padded.rowGroups);
  assert.deepEqual(
    index.rowGroups.map((g) => g.regionCount),
    [2, 1, 0],
  );
  assertClose(await padded.embed(pixels, index), expected, { atol: 1e-5 }, "padded vs dense");
  await assert.rejects(
    padded.embed(pixels, buildRegionAttentionIndex(maps, 32)),
    /Expected 3 row groups \(build the index with the encoder's rowGroups\) for rows\.rowGroups\.length but received 1/,
  );
  await padded.dispose();
});

test("the encoder and the graph builder reject a row group count that is not a positive integer", async () => {
  for (const rowGroups of [0, 2.5]) {
    const message = new RegExp(`Expected a positive integer for rowGroups but received ${rowGroups}`);
    await assert.rejects(
      SpatialVisionEncoder.load(openai, CPU, cacheDir, { upsample: 2, startBlock: 0, rowGroups }),
      message,
    );
    const build = { upsample: 2, startBlock: 0, attention: "padded", rowGroups } as const;
    assert.throws(() => buildSpatialVisionModel(openai, "fp32", build), message);
  }
});

test("region embeddings are bit-identical over 10 runs with 4 threads (no racing reductions)", async () => {
  // onnxruntime's multithreaded CPU ScatterND reductions (the old layout) changed the low bits run to run.
  const encoder = await SpatialVisionEncoder.load(openai, { ...CPU, threads: 4 }, cacheDir, {
    upsample: 2,
    startBlock: 0,
  });
  const index = buildRegionAttentionIndex(fixtureLabelMaps("coffee"), encoder.grid, encoder.rowGroups);
  const pixels = clipPixelValues(fixtureResized("coffee"));
  const first = Buffer.from((await encoder.embed(pixels, index)).buffer);
  for (let run = 1; run < 10; run++) {
    const again = Buffer.from((await encoder.embed(pixels, index)).buffer);
    assert.ok(
      first.equals(again),
      `run ${run} differs from run 0 (max |diff| ${
        maxAbsDiff(
          new Float32Array(again.buffer, again.byteOffset, again.length / 4),
          new Float32Array(first.buffer, first.byteOffset, first.length / 4),
        ).value
      })`,
    );
  }
  await encoder.dispose();
});

test("Hugging Face names (split q/k/v, transposed projections) give the same embeddings", async () => {
  const textOpenAi = await allTextFeatures(openai);
  const textHf = await allTextFeatures(hf);
  assertClose(textHf, readF32("slicvit", "text_features_all.f32"), TOL, "HF text_features_all");
  assert.ok(maxAbsDiff(textHf, textOpenAi).value <= 1e-6, "HF vs OpenAI text features");
  const encoder = await SpatialVisionEncoder.load(hf, CPU, cacheDir, { upsample: 2, startBlock: 0 });
  const regions = await maskEmbeddings(encoder, "astronaut");
  assertClose(regions, readF32("slicvit", "astronaut_region_emb.f32"), TOL, "HF astronaut region_emb");
  await encoder.dispose();
});

test("built graphs are cached on disk and reused (keyed by weights hash and build options)", async () => {
  const graphs = () =>
    readdirSync(join(cacheDir, "graphs"))
      .filter((f) => f.endsWith(".onnx"))
      .sort();
  const before = graphs();
  const mtimes = before.map((f) => statSync(join(cacheDir, "graphs", f)).mtimeMs);
  const encoder = await SpatialVisionEncoder.load(openai, CPU, cacheDir, { upsample: 2, startBlock: 0 });
  await encoder.dispose();
  assert.deepEqual(graphs(), before);
  assert.deepEqual(
    before.map((f) => statSync(join(cacheDir, "graphs", f)).mtimeMs),
    mtimes,
  );
  const other = await SpatialVisionEncoder.load(openai, CPU, cacheDir, { upsample: 2, startBlock: 1 });
  await other.dispose();
  assert.equal(graphs().length, before.length + 1, "another startBlock is another graph");
});
