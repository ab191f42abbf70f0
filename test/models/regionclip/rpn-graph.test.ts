/**
 * The offline R50-FPN + RPN graph (src/models/regionclip/rpn-graph.ts) on onnxruntime-node (CPU) against the
 * reference fixtures (`regionclip/`, synthetic tiny weights in the real topology).
 * Tier A: the RPN head fed the stored p6 reproduces the stored p6 objectness and deltas (ulp-level: 1e-5 ×
 * max|ref|). Tier B, from the image (README tolerances; the noise is float32 accumulation order through a deep
 * FrozenBN ResNet): FPN features ≤ 2e-4 × max|ref| (no README figure; p6 measured 7e-5), objectness ≤ 1e-4 ×
 * max|ref|, deltas ≤ 1e-4 × max|ref| + 1e-5, proposals the same set keyed by (level, anchor) except swaps at
 * the 1000th-proposal cut, boxes ≤ 0.05 px, logits ≤ 2e-3 — including the low-bias run, where 900 of the 1000
 * proposals have negative logits.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { safetensorsWeightReader } from "../../../src/models/clip/checkpoint.js";
import { generateProposals, runRpn } from "../../../src/models/regionclip/generate-proposals.js";
import { preprocessRegionClip } from "../../../src/models/regionclip/preprocess.js";
import type { RpnProposals } from "../../../src/models/regionclip/proposals.js";
import {
  buildRegionClipRpnModel,
  inferRpnTopology,
  OFFLINE_RPN_HEAD,
  rpnHead,
} from "../../../src/models/regionclip/rpn-graph.js";
import { SafetensorsFile } from "../../../src/models/weights/safetensors-reader.js";
import { GraphBuilder } from "../../../src/onnx/graph-builder.js";
import { encodeModel } from "../../../src/onnx/model-writer.js";
import { NnContext, type WeightReader } from "../../../src/onnx/nn/context.js";
import { OnnxSession } from "../../../src/onnx/session.js";
import { decodeImage } from "../../../src/vision/decode.js";
import { assertClose } from "../../support/assert-close.js";
import { fixturePath, readFixtureJson } from "../../support/fixtures.js";
import { type RegionClipRun, RunTensors, regionClipRuns, type TensorStats } from "./support/fixture-runs.js";

let file: SafetensorsFile;
let weights: WeightReader;
let session: OnnxSession;

before(async () => {
  file = SafetensorsFile.open(fixturePath("regionclip", "weights.safetensors"));
  weights = safetensorsWeightReader(file);
  session = await OnnxSession.create(encodeModel(buildRegionClipRpnModel(weights)), { provider: "cpu" });
});

after(async () => {
  await session.dispose();
  file.close();
});

const runs = regionClipRuns();
const baseRuns = runs.filter((r) => r.kind === "base");

function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

/** The first `rows` rows of a [1, C, H, W] map. */
function firstRows(
  map: Float32Array,
  channels: number,
  height: number,
  width: number,
  rows: number,
): Float32Array {
  const out = new Float32Array(channels * rows * width);
  for (let c = 0; c < channels; c++)
    out.set(map.subarray(c * height * width, (c * height + rows) * width), c * rows * width);
  return out;
}

/** Per-channel [mean, std, min, max] of a [1, C, H, W] map (float64, population std as torch's `std(unbiased=False)`). */
function channelStats(map: Float32Array, channels: number): Float32Array {
  const plane = map.length / channels;
  const out = new Float32Array(4 * channels);
  for (let c = 0; c < channels; c++) {
    const v = map.subarray(c * plane, (c + 1) * plane);
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const x of v) {
      sum += x;
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    const mean = sum / plane;
    let sq = 0;
    for (const x of v) sq += (x - mean) ** 2;
    out.set([mean, Math.sqrt(sq / plane), min, max], 4 * c);
  }
  return out;
}

/** mean, min and max of a whole map vs the stats stored in cases.json. */
function assertStats(actual: Float32Array, stats: TensorStats, atol: number, what: string): void {
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const x of actual) {
    sum += x;
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  assertClose(
    [sum / actual.length, min, max],
    [stats.mean, stats.min, stats.max],
    { atol },
    `${what} mean/min/max`,
  );
}

/**
 * Tier-B comparison of proposals keyed by (level, anchor index): matched pairs within tolerance; unmatched ones
 * only at the post-NMS cut (logit within 2e-3 of the 1000th reference logit). Returns the number of swaps.
 */
function compareProposals(
  actual: RpnProposals,
  t: RunTensors,
  expectedLogits: Float32Array,
  what: string,
): number {
  const rows = t.i32("rpn.proposal_topk_row");
  const levels = t.i32("rpn.topk.level");
  const indices = t.i32("rpn.topk.index");
  const boxes = t.f32("rpn.proposals");
  const byKey = new Map<string, number>();
  for (const [j, r] of rows.entries()) byKey.set(`${levels[r]}:${indices[r]}`, j);
  assert.equal(actual.objectnessLogits.length, rows.length, `${what}: proposal count`);
  const cut = expectedLogits[expectedLogits.length - 1];
  const matched = new Set<number>();
  let swaps = 0;
  for (let j = 0; j < actual.levels.length; j++) {
    const k = byKey.get(`${actual.levels[j]}:${actual.anchorIndices[j]}`);
    if (k === undefined) {
      swaps++;
      assert.ok(
        Math.abs(actual.objectnessLogits[j] - cut) <= 2e-3,
        `${what}: proposal ${j} (level ${actual.levels[j]}, anchor ${actual.anchorIndices[j]}, logit ` +
          `${actual.objectnessLogits[j]}) is not in the reference and not at its cut (${cut})`,
      );
      continue;
    }
    matched.add(k);
    assertClose(
      actual.boxes.subarray(4 * j, 4 * j + 4),
      boxes.subarray(4 * k, 4 * k + 4),
      { atol: 0.05 },
      `${what}: box ${j}`,
    );
    assertClose([actual.objectnessLogits[j]], [expectedLogits[k]], { atol: 2e-3 }, `${what}: logit ${j}`);
  }
  for (let k = 0; k < rows.length; k++) {
    if (matched.has(k)) continue;
    assert.ok(
      Math.abs(expectedLogits[k] - cut) <= 2e-3,
      `${what}: reference proposal ${k} (logit ${expectedLogits[k]}) is missing and not at the cut (${cut})`,
    );
  }
  assert.ok(swaps <= 5, `${what}: ${swaps} proposals swapped at the cut`);
  return swaps;
}

test("the topology is read from the weights: R50 blocks [3, 4, 6, 3], the FPN width and anchors of model.json", () => {
  const spec = readFixtureJson<{
    topology: {
      offline_r50_fpn: { depth: number; fpn_out_channels: number; rpn_anchors_per_location: number };
    };
  }>("regionclip", "model.json").topology.offline_r50_fpn;
  assert.equal(spec.depth, 50);
  assert.deepEqual(inferRpnTopology(weights), {
    blocks: [3, 4, 6, 3],
    fpnChannels: spec.fpn_out_channels,
    anchorsPerLocation: spec.rpn_anchors_per_location,
  });
});

test("a checkpoint without the offline RPN tensors fails with E_WEIGHTS_INVALID naming the file and tensor", () => {
  const textOnly = SafetensorsFile.open(fixturePath("regionclip", "text.safetensors"));
  try {
    assert.throws(
      () => buildRegionClipRpnModel(safetensorsWeightReader(textOnly)),
      (error: Error & { code?: string }) =>
        error.code === "E_WEIGHTS_INVALID" &&
        error.message.includes("text.safetensors") &&
        error.message.includes("offline_backbone.bottom_up.res2.0.conv1.weight"),
    );
  } finally {
    textOnly.close();
  }
});

test("tier A: the RPN head fed the stored p6 reproduces the stored p6 objectness and deltas", async () => {
  const g = new GraphBuilder("rpn_head");
  const ctx = new NnContext(g, weights, "fp32");
  const feature = g.input("p6", "float32", [1, "c", "h", "w"]);
  const head = rpnHead(ctx, feature);
  g.output(head.objectness, "objectness", "float32", [1, 3, "h", "w"]);
  g.output(head.deltas, "deltas", "float32", [1, 12, "h", "w"]);
  const headSession = await OnnxSession.create(encodeModel(g.build()), { provider: "cpu" });
  try {
    for (const run of baseRuns) {
      const t = new RunTensors(run);
      const p6 = t.f32("rpn.fpn.p6");
      const out = await headSession.run({ p6: { type: "float32", data: p6, dims: t.shape("rpn.fpn.p6") } });
      for (const [name, stored] of [
        ["objectness", "rpn.objectness.4"],
        ["deltas", "rpn.deltas.4"],
      ] as const) {
        const expected = t.f32(stored);
        assertClose(
          out[name].data as Float32Array,
          expected,
          { atol: 1e-5 * maxAbs(expected) },
          `${run.id} ${stored}`,
        );
      }
      t.close();
    }
  } finally {
    await headSession.dispose();
  }
});

async function inputOf(run: RegionClipRun) {
  return preprocessRegionClip(await decodeImage(fixturePath("regionclip", run.image)));
}

for (const run of baseRuns) {
  test(`tier B ${run.id}: FPN features, objectness and deltas from the image match the reference`, async () => {
    const t = new RunTensors(run);
    const input = await inputOf(run);
    const out = await session.run({
      image: {
        type: "float32",
        data: input.rpnInput,
        dims: [1, 3, input.paddedSize.height, input.paddedSize.width],
      },
    });
    const p6 = t.f32("rpn.fpn.p6");
    assertClose(out.p6.data as Float32Array, p6, { atol: 2e-4 * maxAbs(p6) }, "p6");
    for (const name of ["p2", "p3", "p4", "p5", "p6"] as const) {
      const stats = t.f32(`rpn.fpn.${name}.chstats`);
      const actual = channelStats(out[name].data as Float32Array, out[name].dims[1]);
      assert.deepEqual(out[name].dims, run.fpn[name].shape, `${name} shape`);
      assertClose(actual, stats, { atol: 2e-4 * run.fpn[name].max }, `${name} per-channel stats`);
    }
    const maps = await runRpn(session, input);
    for (const [l, level] of run.rpn_levels.entries()) {
      const [h, w] = level.hw;
      assert.deepEqual(maps.sizes[l], { height: h, width: w }, `level ${l} size`);
      const objectness = maps.levels[l].objectness;
      const deltas = maps.levels[l].deltas;
      const objTol = 1e-4 * Math.max(Math.abs(level.objectness.min), Math.abs(level.objectness.max));
      const delTol = 1e-4 * Math.max(Math.abs(level.deltas.min), Math.abs(level.deltas.max)) + 1e-5;
      const objName = t.has(`rpn.objectness.${l}`) ? `rpn.objectness.${l}` : `rpn.objectness.${l}.rows0_4`;
      const delName = t.has(`rpn.deltas.${l}`) ? `rpn.deltas.${l}` : `rpn.deltas.${l}.rows0_4`;
      const rowsOf = (map: Float32Array, c: number, name: string) =>
        name.endsWith("rows0_4") ? firstRows(map, c, h, w, 4) : map;
      assertClose(rowsOf(objectness, 3, objName), t.f32(objName), { atol: objTol }, objName);
      assertClose(rowsOf(deltas, 12, delName), t.f32(delName), { atol: delTol }, delName);
      assertStats(objectness, level.objectness, objTol, `level ${l} objectness`);
      assertStats(deltas, level.deltas, delTol, `level ${l} deltas`);
    }
    t.close();
  });

  test(`tier B ${run.id}: generateProposals from the image gives the reference proposals`, async () => {
    const t = new RunTensors(run);
    const proposals = await generateProposals(session, await inputOf(run));
    compareProposals(proposals, t, t.f32("rpn.proposal_logits"), run.id);
    const { width, height } = { width: run.resized_hw[1], height: run.resized_hw[0] };
    for (let i = 0; i < proposals.boxes.length; i += 4) {
      const [x1, y1, x2, y2] = proposals.boxes.subarray(i, i + 4);
      assert.ok(
        x1 >= 0 && y1 >= 0 && x2 <= width && y2 <= height && x2 > x1 && y2 > y1,
        `box ${i / 4} clipped`,
      );
    }
    t.close();
  });
}

const biasVariants = runs.filter((r) => r.kind === "rpn_bias_variant");

test("the fixtures hold an RPN-bias variant run (the NaN-drop case)", () => {
  assert.ok(biasVariants.some((r) => r.id === "localization_1_low_bias"));
});

for (const run of biasVariants) {
  test(`tier B ${run.id}: with the RPN bias lowered, ${run.negative_logits} of ${run.num_proposals} proposals have negative logits`, async () => {
    assert.ok(run.override !== undefined && run.base_run !== undefined);
    const base = runs.find((r) => r.id === run.base_run)!;
    const [key, bias] = Object.entries(run.override)[0];
    const name = `offline_${key}`;
    assert.equal(name, `${OFFLINE_RPN_HEAD}.objectness_logits.bias`);
    const lowered: WeightReader = {
      ...weights,
      read: (n) => (n === name ? Float32Array.from(bias) : weights.read(n)),
    };
    const lowSession = await OnnxSession.create(encodeModel(buildRegionClipRpnModel(lowered)), {
      provider: "cpu",
    });
    const baseTensors = new RunTensors(base);
    const lowTensors = new RunTensors(run);
    try {
      const proposals = await generateProposals(lowSession, await inputOf(run));
      // The reference proposals are those of the base run (a constant shift changes no ordering).
      compareProposals(proposals, baseTensors, lowTensors.f32("rpn.proposal_logits"), run.id);
      const negative = proposals.objectnessLogits.filter((v) => v < 0).length;
      assert.equal(negative, run.negative_logits);
    } finally {
      await lowSession.dispose();
      baseTensors.close();
      lowTensors.close();
    }
  });
}
