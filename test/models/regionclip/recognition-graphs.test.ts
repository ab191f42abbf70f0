/**
 * Tier-A parity of the recognition branch, each stage fed the fixture's stored input: CLIP input (from the
 * stored resized PNG) → res4; RoIAlign on the stored res4 channels; layer4 + attention pool on the stored pooled
 * RoIs; and the whole RoI head (in chunks) on our res4 against every region feature (tolerances: fixture README).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { clipPixelValues } from "../../../src/models/clip/preprocess.js";
import { buildClipBackboneModel } from "../../../src/models/regionclip/clip-backbone-graph.js";
import { readClipResNetTopology } from "../../../src/models/regionclip/clip-resnet-topology.js";
import { RecognitionBranch } from "../../../src/models/regionclip/recognition-branch.js";
import { regionFeatures, roiAlign } from "../../../src/models/regionclip/roi-head-graph.js";
import { randomTensor } from "../../../src/models/smoke/random-tensor.js";
import { GraphBuilder } from "../../../src/onnx/graph-builder.js";
import { encodeModel } from "../../../src/onnx/model-writer.js";
import { NnContext } from "../../../src/onnx/nn/context.js";
import { OnnxSession } from "../../../src/onnx/session.js";
import { seededUniform } from "../../../src/seeded-uniform.js";
import { decodeImage } from "../../../src/vision/decode.js";
import { assertClose } from "../../support/assert-close.js";
import { fixturePath, readFixtureJson } from "../../support/fixtures.js";
import {
  fixtureWeights,
  openFixtureTensors,
  regionClipCases,
  regionClipFixtureFolders,
} from "./support/regionclip-fixture.js";

const cpu = { provider: "cpu" as const };
const work = mkdtempSync(join(tmpdir(), "gritloc-regionclip-"));
after(() => rmSync(work, { recursive: true, force: true }));

function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

/** Channels [0, n) of an [N, C, H, W] tensor. */
function firstChannels(data: Float32Array, dims: readonly number[], n: number): Float32Array {
  const [count, channels, h, w] = dims;
  const plane = h * w;
  const out = new Float32Array(count * n * plane);
  for (let r = 0; r < count; r++) {
    out.set(data.subarray(r * channels * plane, (r * channels + n) * plane), r * n * plane);
  }
  return out;
}

/** Per-channel [mean, std, min, max] of [1, C, H, W] (std with N − 1, as torch's default). */
function channelStats(data: Float32Array, channels: number): Float32Array {
  const plane = data.length / channels;
  const out = new Float32Array(channels * 4);
  for (let c = 0; c < channels; c++) {
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < plane; i++) {
      const v = data[c * plane + i];
      sum += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    const mean = sum / plane;
    let sq = 0;
    for (let i = 0; i < plane; i++) sq += (data[c * plane + i] - mean) ** 2;
    out.set([mean, Math.sqrt(sq / (plane - 1)), min, max], c * 4);
  }
  return out;
}

for (const folder of regionClipFixtureFolders()) {
  const { file: weightsFile, weights } = fixtureWeights(folder);
  after(() => weightsFile.close());
  const topology = readClipResNetTopology(weights);
  const cases = regionClipCases(folder);

  test(`${folder}: the topology is read from the weights`, () => {
    const { topology: t } = readFixtureJson<{ topology: Record<string, unknown> }>(folder, "model.json");
    assert.deepEqual(topology.layers, t.clip_layers);
    assert.deepEqual(topology.stemWidths, t.clip_stem_widths);
    assert.equal(topology.res4Channels, t.res4_channels);
    assert.equal(topology.res5Channels, t.res5_channels);
    assert.equal(topology.heads, t.attnpool_heads);
    assert.equal(topology.res5Grid ** 2 + 1, t.attnpool_tokens);
    assert.equal(topology.poolerResolution, t.pooler_resolution);
    assert.equal(topology.embedDim, t.embed_dim);
  });

  for (const run of cases.runs.filter((r) => r.kind === "base" && r.resized_png !== undefined)) {
    test(`${folder}/${run.id}: CLIP input is bit-exact and res4 matches (≤ 1e-4 × max|ref|)`, async () => {
      const image = await decodeImage(fixturePath(folder, run.resized_png!));
      assert.deepEqual([image.height, image.width], run.resized_hw);
      const pixels = clipPixelValues(image);
      const digest = createHash("sha256").update(new Uint8Array(pixels.buffer)).digest("hex");
      assert.equal(digest, run.clip_input!.sha256_f32_le, "CLIP input sha256");

      const session = await OnnxSession.create(
        encodeModel(buildClipBackboneModel(weights, topology, "fp32")),
        cpu,
      );
      const tensors = openFixtureTensors(folder, run.tensors);
      try {
        const out = await session.run({
          pixel_values: { type: "float32", data: pixels, dims: [1, 3, image.height, image.width] },
        });
        const res4 = out.res4.data as Float32Array;
        assert.deepEqual(out.res4.dims, run.res4!.shape);
        const reference = tensors.readFloat32("clip.res4.ch0_4");
        const scale = maxAbs(reference);
        assertClose(firstChannels(res4, out.res4.dims, 4), reference, { atol: 1e-4 * scale }, "res4 ch0-3");
        const stats = tensors.readFloat32("clip.res4.chstats");
        assertClose(
          channelStats(res4, topology.res4Channels),
          stats,
          { atol: 1e-4 * maxAbs(stats) },
          "res4 stats",
        );
      } finally {
        tensors.close();
        await session.dispose();
      }
    });

    test(`${folder}/${run.id}: RoIAlign (RoiAlign-16 half_pixel) on the stored res4 channels is exact`, async () => {
      const tensors = openFixtureTensors(folder, run.tensors);
      const g = new GraphBuilder("roi_align");
      const res4 = g.input("res4", "float32", [1, 4, "h", "w"]);
      const rois = g.input("rois", "float32", ["r", 4]);
      g.output(roiAlign(g, res4, rois, topology.poolerResolution), "pooled", "float32", ["r", 4, "p", "p"]);
      const session = await OnnxSession.create(encodeModel(g.build()), cpu);
      try {
        const proposals = tensors.readFloat32("rpn.proposals").subarray(0, 8);
        const out = await session.run({
          res4: {
            type: "float32",
            data: tensors.readFloat32("clip.res4.ch0_4"),
            dims: tensors.entry("clip.res4.ch0_4").shape,
          },
          rois: { type: "float32", data: proposals, dims: [2, 4] },
        });
        const stored = tensors.readFloat32("roi.pooled.first2");
        const expected = firstChannels(stored, tensors.entry("roi.pooled.first2").shape, 4);
        assert.deepEqual(out.pooled.data, expected);
      } finally {
        tensors.close();
        await session.dispose();
      }
    });

    test(`${folder}/${run.id}: layer4 and the attention pool on the stored RoIs match`, async () => {
      const tensors = openFixtureTensors(folder, run.tensors);
      const g = new GraphBuilder("region_features");
      const ctx = new NnContext(g, weights, "fp32");
      const p = topology.poolerResolution;
      const pooled = g.input("pooled", "float32", ["r", topology.res4Channels, p, p]);
      const { res5, features } = regionFeatures(ctx, pooled, topology);
      g.output(res5, "res5", "float32", ["r", topology.res5Channels, topology.res5Grid, topology.res5Grid]);
      g.output(features, "features", "float32", ["r", topology.embedDim]);
      const session = await OnnxSession.create(encodeModel(g.build()), cpu);
      try {
        const out = await session.run({
          pooled: {
            type: "float32",
            data: tensors.readFloat32("roi.pooled.first2"),
            dims: tensors.entry("roi.pooled.first2").shape,
          },
        });
        const res5Ref = tensors.readFloat32("roi.res5.first2");
        assertClose(out.res5.data as Float32Array, res5Ref, { atol: 1e-5 * maxAbs(res5Ref) }, "res5");
        const attn = tensors.readFloat32("roi.attnpool");
        const firstTwo = attn.subarray(0, 2 * topology.embedDim);
        assertClose(
          out.features.data as Float32Array,
          firstTwo,
          { atol: 1e-5 * maxAbs(attn) },
          "attnpool[:2]",
        );
      } finally {
        tensors.close();
        await session.dispose();
      }
    });
  }

  for (const run of cases.runs.filter((r) => r.kind === "base" && r.resized_png !== undefined)) {
    test(`${folder}/${run.id}: the recognition branch (our res4, RoI head in chunks) gives every region feature`, async () => {
      const branch = await RecognitionBranch.open(
        { weights, topology, weightsId: `fixture:${folder}` },
        { provider: "cpu", precision: "fp32", threads: undefined, reason: "test" },
        join(work, "cache"),
        300,
      );
      const tensors = openFixtureTensors(folder, run.tensors);
      try {
        const image = await decodeImage(fixturePath(folder, run.resized_png!));
        const res4 = await branch.res4(image);
        const features = await branch.regionFeatures(res4, tensors.readFloat32("rpn.proposals"));
        const reference = tensors.readFloat32("roi.attnpool");
        assertClose(features, reference, { atol: 1e-3 * maxAbs(reference) }, "region features");
      } finally {
        tensors.close();
        await branch.dispose();
      }
    });
  }

  test(`${folder}: with fp16 (what CUDA runs; float32 backbone, fp16 RoI head) region features stay close`, async () => {
    // Run on the CPU provider here (no GPU in CI); ORT executes the fp16 graph with the same node list.
    const branch = await RecognitionBranch.open(
      { weights, topology, weightsId: `fixture:${folder}` },
      { provider: "cpu", precision: "fp16", threads: undefined, reason: "test" },
      join(work, "cache"),
    );
    try {
      for (const run of cases.runs.filter((r) => r.kind === "base" && r.resized_png !== undefined)) {
        const tensors = openFixtureTensors(folder, run.tensors);
        const image = await decodeImage(fixturePath(folder, run.resized_png!));
        const features = await branch.regionFeatures(
          await branch.res4(image),
          tensors.readFloat32("rpn.proposals"),
        );
        const reference = tensors.readFloat32("roi.attnpool");
        tensors.close();
        // Measured ≤ 0.7 % of max|ref| (cosines to the concepts within 2.6e-3).
        assertClose(
          features,
          reference,
          { atol: 1e-2 * maxAbs(reference) },
          `${run.id} region features (fp16)`,
        );
      }
    } finally {
      await branch.dispose();
    }
  });
}

test("an RN50x4-shaped backbone (82 attention-pool tokens) gets 18×18 RoIs and 9×9 res5 from its weights", async () => {
  // Tiny widths, RN50x4's structure: layers [4, 6, 10, 6] here cut to [1, 1, 1, 2], stem 3 convs, a 9×9 grid.
  const next = seededUniform(4);
  const tensors = new Map<string, { shape: readonly number[]; data: Float32Array }>();
  const put = (name: string, shape: number[], std: number) =>
    tensors.set(name, randomTensor(next, shape, std));
  const bn = (prefix: string, c: number) => {
    for (const [k, v] of [
      ["weight", 1],
      ["bias", 0],
      ["running_mean", 0],
      ["running_var", 1],
    ] as const)
      tensors.set(`${prefix}.${k}`, { shape: [c], data: new Float32Array(c).fill(v) });
  };
  const p = "backbone.";
  let inp = 3;
  for (const [i, out] of [4, 4, 8].entries()) {
    put(`${p}conv${i + 1}.weight`, [out, inp, 3, 3], 0.3);
    bn(`${p}bn${i + 1}`, out);
    inp = out;
  }
  for (const [l, blocks] of [1, 1, 1, 2].entries()) {
    const planes = 8 * 2 ** l;
    for (let b = 0; b < blocks; b++) {
      const q = `${p}layer${l + 1}.${b}`;
      put(`${q}.conv1.weight`, [planes, inp, 1, 1], 0.3);
      bn(`${q}.bn1`, planes);
      put(`${q}.conv2.weight`, [planes, planes, 3, 3], 0.1);
      bn(`${q}.bn2`, planes);
      put(`${q}.conv3.weight`, [planes * 4, planes, 1, 1], 0.1);
      bn(`${q}.bn3`, planes * 4);
      if (b === 0) {
        put(`${q}.downsample.0.weight`, [planes * 4, inp, 1, 1], 0.1);
        bn(`${q}.downsample.1`, planes * 4);
      }
      inp = planes * 4;
    }
  }
  put(`${p}attnpool.positional_embedding`, [82, inp], 0.05);
  for (const proj of ["q_proj", "k_proj", "v_proj"]) {
    put(`${p}attnpool.${proj}.weight`, [inp, inp], 0.05);
    put(`${p}attnpool.${proj}.bias`, [inp], 0.05);
  }
  put(`${p}attnpool.c_proj.weight`, [40, inp], 0.05);
  put(`${p}attnpool.c_proj.bias`, [40], 0.05);
  const weights = {
    has: (n: string) => tensors.has(n),
    shape: (n: string) => tensors.get(n)!.shape,
    read: (n: string) => tensors.get(n)!.data,
  };
  const topology = readClipResNetTopology(weights);
  assert.deepEqual(
    [topology.res5Grid, topology.poolerResolution, topology.heads, topology.embedDim, topology.layers],
    [9, 18, 4, 40, [1, 1, 1, 2]],
  );
  const branch = await RecognitionBranch.open(
    { weights, topology, weightsId: "rn50x4-shaped" },
    { provider: "cpu", precision: "fp32", threads: undefined, reason: "test" },
    join(work, "cache"),
  );
  try {
    const image = { width: 96, height: 64, data: new Uint8Array(96 * 64 * 3).map((_, i) => (i * 37) % 256) };
    const res4 = await branch.res4(image);
    assert.deepEqual(res4.dims, [1, 128, 4, 6]);
    const features = await branch.regionFeatures(
      res4,
      Float32Array.of(0, 0, 96, 64, 10, 5, 40, 30, 50, 20, 51, 21),
    );
    assert.equal(features.length, 3 * 40);
    assert.ok(features.every(Number.isFinite));
  } finally {
    await branch.dispose();
  }

  // The folded token-0 attention pool equals CLIP's AttentionPool2d computed directly (double precision here).
  const g = new GraphBuilder("rn50x4_features");
  const ctx = new NnContext(g, weights, "fp32");
  const pooled = g.input("pooled", "float32", [2, 128, 18, 18]);
  const out = regionFeatures(ctx, pooled, topology);
  g.output(out.res5, "res5", "float32", [2, 256, 9, 9]);
  g.output(out.features, "features", "float32", [2, 40]);
  const session = await OnnxSession.create(encodeModel(g.build()), cpu);
  try {
    const input = randomTensor(next, [2, 128, 18, 18], 1).data.map(Math.abs);
    const result = await session.run({ pooled: { type: "float32", data: input, dims: [2, 128, 18, 18] } });
    const res5 = result.res5.data as Float32Array;
    const expected = attentionPoolDirect(res5, 2, 256, 81, 4, (n) => tensors.get(`${p}attnpool.${n}`)!.data);
    assertClose(
      result.features.data as Float32Array,
      expected,
      { atol: 1e-5 * maxAbs(expected) },
      "attnpool",
    );
  } finally {
    await session.dispose();
  }
});

/** CLIP's AttentionPool2d, token 0, the textbook way: all tokens projected, per-head softmax(q·k/√d) v. */
function attentionPoolDirect(
  res5: Float32Array,
  rois: number,
  width: number,
  cells: number,
  heads: number,
  w: (name: string) => Float32Array,
): Float32Array {
  const d = width / heads;
  const linear = (x: number[], name: string) => {
    const weight = w(`${name}.weight`);
    const bias = w(`${name}.bias`);
    const out = bias.length;
    return Array.from({ length: out }, (_, o) => {
      let s = bias[o];
      for (let i = 0; i < x.length; i++) s += weight[o * x.length + i] * x[i];
      return s;
    });
  };
  const position = w("positional_embedding");
  const result: number[] = [];
  for (let r = 0; r < rois; r++) {
    const tokens: number[][] = [];
    for (let t = 0; t < cells; t++) {
      tokens.push(Array.from({ length: width }, (_, c) => res5[(r * width + c) * cells + t]));
    }
    const mean = Array.from({ length: width }, (_, c) => tokens.reduce((a, t) => a + t[c], 0) / cells);
    const all = [mean, ...tokens].map((t, i) => t.map((v, c) => v + position[i * width + c]));
    const q = linear(all[0], "q_proj");
    const k = all.map((t) => linear(t, "k_proj"));
    const v = all.map((t) => linear(t, "v_proj"));
    const merged: number[] = [];
    for (let h = 0; h < heads; h++) {
      const scores = k.map((kt) => {
        let s = 0;
        for (let j = 0; j < d; j++) s += q[h * d + j] * kt[h * d + j];
        return s / Math.sqrt(d);
      });
      const max = Math.max(...scores);
      const e = scores.map((s) => Math.exp(s - max));
      const z = e.reduce((a, b) => a + b, 0);
      for (let j = 0; j < d; j++) merged.push(v.reduce((a, vt, t) => a + (e[t] / z) * vt[h * d + j], 0));
    }
    result.push(...linear(merged, "c_proj"));
  }
  return Float32Array.from(result);
}
