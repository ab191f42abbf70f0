/**
 * Benchmark: RegionCLIP's localization branch per stage on CPU (fp32): PIL-bilinear resize + RPN input, the
 * R50-FPN + RPN graph, and the proposal step (top-k, decoding, NMS), for the tiny fixture model
 * (regionclip/weights.safetensors, on each fixture image) and a seeded random R50-FPN of the real widths
 * (stem 64, res2–res5 256/512/1024/2048, FPN 256, ~27.5M parameters; proposals meaningless, delta channels
 * standardised to std 0.2 so that boxes stay on the image) on a synthetic image of 1066×800 (padded 1088×800). Prints JSON.
 * Run: node --import tsx bench/regionclip-rpn.ts [--runs N] [--threads N] [--skip-r50]
 */

import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { safetensorsWeightReader } from "../src/models/clip/checkpoint.js";
import { rpnAnchorLevels } from "../src/models/regionclip/anchors.js";
import { runRpn } from "../src/models/regionclip/generate-proposals.js";
import { preprocessRegionClip } from "../src/models/regionclip/preprocess.js";
import { findTopRpnProposals } from "../src/models/regionclip/proposals.js";
import { buildRegionClipRpnModel } from "../src/models/regionclip/rpn-graph.js";
import { randomTensor } from "../src/models/smoke/random-tensor.js";
import { SafetensorsFile } from "../src/models/weights/safetensors-reader.js";
import { encodeModel } from "../src/onnx/model-writer.js";
import type { WeightReader } from "../src/onnx/nn/context.js";
import { OnnxSession } from "../src/onnx/session.js";
import { seededUniform } from "../src/seeded-uniform.js";
import { decodeImage } from "../src/vision/decode.js";
import type { RgbImage } from "../src/vision/image.js";

const { values: args } = parseArgs({
  options: { runs: { type: "string" }, threads: { type: "string" }, "skip-r50": { type: "boolean" } },
});
const runs = Number(args.runs ?? 3);
const threads = args.threads === undefined ? undefined : Number(args.threads);
const fixtures = process.env.GRITLOC_FIXTURES ?? resolve(import.meta.dirname, "../test/fixtures");

const round = (ms: number) => Math.round(ms * 10) / 10;

/**
 * Median and min wall time of `runs` calls after one warm-up call, and their median CPU time (user + system, all
 * threads): on a shared machine the wall time mostly measures the other processes.
 */
async function repeat(fn: () => unknown): Promise<{ medianMs: number; minMs: number; medianCpuMs: number }> {
  await fn();
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const usage = process.cpuUsage();
    await fn();
    const used = process.cpuUsage(usage);
    times.push(performance.now() - start);
    cpu.push((used.user + used.system) / 1000);
  }
  const median = (values: number[]) => round(values.sort((a, b) => a - b)[Math.floor(values.length / 2)]);
  return { medianMs: median(times), minMs: round(Math.min(...times)), medianCpuMs: median(cpu) };
}

/** A WeightReader over in-memory tensors. */
function memoryReader(
  tensors: ReadonlyMap<string, { shape: readonly number[]; data: Float32Array }>,
): WeightReader {
  const get = (name: string) => {
    const t = tensors.get(name);
    if (t === undefined) throw new Error(`no tensor ${name}`);
    return t;
  };
  return { has: (n) => tensors.has(n), shape: (n) => get(n).shape, read: (n) => get(n).data };
}

/** Seeded random weights of detectron2's R50-FPN + RPN at the real widths (He-scaled convs, identity FrozenBN). */
function randomR50Fpn(): WeightReader {
  const next = seededUniform(15);
  const tensors = new Map<string, { shape: readonly number[]; data: Float32Array }>();
  const conv = (name: string, out: number, inp: number, k: number, bias: boolean) => {
    tensors.set(`${name}.weight`, randomTensor(next, [out, inp, k, k], Math.sqrt(2 / (inp * k * k))));
    if (bias) tensors.set(`${name}.bias`, { shape: [out], data: new Float32Array(out) });
  };
  const frozenBn = (name: string, channels: number) => {
    tensors.set(`${name}.weight`, { shape: [channels], data: new Float32Array(channels).fill(1) });
    tensors.set(`${name}.bias`, { shape: [channels], data: new Float32Array(channels) });
    tensors.set(`${name}.running_mean`, { shape: [channels], data: new Float32Array(channels) });
    tensors.set(`${name}.running_var`, { shape: [channels], data: new Float32Array(channels).fill(1) });
  };
  const b = "offline_backbone.bottom_up";
  conv(`${b}.stem.conv1`, 64, 3, 7, false);
  frozenBn(`${b}.stem.conv1.norm`, 64);
  let inChannels = 64;
  const outs: number[] = [];
  for (const [s, blocks] of [3, 4, 6, 3].entries()) {
    const width = 64 << s;
    const out = 256 << s;
    for (let i = 0; i < blocks; i++) {
      const p = `${b}.res${s + 2}.${i}`;
      if (i === 0) {
        conv(`${p}.shortcut`, out, inChannels, 1, false);
        frozenBn(`${p}.shortcut.norm`, out);
      }
      for (const [name, o, c, k] of [
        ["conv1", width, i === 0 ? inChannels : out, 1],
        ["conv2", width, width, 3],
        ["conv3", out, width, 1],
      ] as const) {
        conv(`${p}.${name}`, o, c, k, false);
        frozenBn(`${p}.${name}.norm`, o);
      }
    }
    inChannels = out;
    outs.push(out);
  }
  for (const [i, c] of outs.entries()) {
    conv(`offline_backbone.fpn_lateral${i + 2}`, 256, c, 1, true);
    conv(`offline_backbone.fpn_output${i + 2}`, 256, 256, 3, true);
  }
  const h = "offline_proposal_generator.rpn_head";
  conv(`${h}.conv`, 256, 256, 3, true);
  conv(`${h}.objectness_logits`, 3, 256, 1, true);
  conv(`${h}.anchor_deltas`, 12, 256, 1, true);
  return memoryReader(tensors);
}

/** Standard deviation of all values of several arrays. */
function std(arrays: readonly Float32Array[]): number {
  let n = 0;
  let sum = 0;
  let sq = 0;
  for (const a of arrays)
    for (const v of a) {
      n++;
      sum += v;
      sq += v * v;
    }
  return Math.sqrt(sq / n - (sum / n) ** 2);
}

/** Each channel of a [C, H, W] map shifted and scaled to mean 0 and standard deviation `target`. */
function standardize(map: Float32Array, channels: number, target: number): Float32Array {
  const plane = map.length / channels;
  const out = new Float32Array(map.length);
  for (let c = 0; c < channels; c++) {
    const v = map.subarray(c * plane, (c + 1) * plane);
    const s = std([v]);
    const mean = v.reduce((a, x) => a + x, 0) / plane;
    for (let i = 0; i < plane; i++) out[c * plane + i] = ((v[i] - mean) / s) * target;
  }
  return out;
}

/**
 * Times the three stages on one image. With `deltaStd`, each delta channel is first standardised to that
 * standard deviation: random weights give deltas far off (ReLU features, random sums) that throw every box off
 * the image, which would leave the NMS idle.
 */
async function stages(session: OnnxSession, image: RgbImage, deltaStd?: number) {
  const input = preprocessRegionClip(image);
  const maps = await runRpn(session, input);
  const rawDeltaStd = std(maps.levels.map((l) => l.deltas));
  const levelMaps =
    deltaStd === undefined
      ? maps.levels
      : maps.levels.map((l) => ({ ...l, deltas: standardize(l.deltas, 12, deltaStd) }));
  const levels = rpnAnchorLevels(maps.sizes);
  const proposals = findTopRpnProposals(levels, levelMaps, input.resized);
  return {
    resized: [input.resized.width, input.resized.height],
    padded: [input.paddedSize.width, input.paddedSize.height],
    objectnessStd: std(maps.levels.map((l) => l.objectness)),
    rawDeltaStd,
    proposals: proposals.objectnessLogits.length,
    preprocess: await repeat(() => preprocessRegionClip(image)),
    rpnGraph: await repeat(() => runRpn(session, input)),
    proposalStep: await repeat(() => findTopRpnProposals(levels, levelMaps, input.resized)),
  };
}

async function openSession(weights: WeightReader) {
  const start = performance.now();
  const bytes = encodeModel(buildRegionClipRpnModel(weights));
  const session = await OnnxSession.create(bytes, { provider: "cpu", threads });
  return { session, buildAndLoadMs: round(performance.now() - start), graphBytes: bytes.length };
}

const result: Record<string, unknown> = { runs, threads: threads ?? "ort default" };

const file = SafetensorsFile.open(resolve(fixtures, "regionclip", "weights.safetensors"));
const tiny = await openSession(safetensorsWeightReader(file));
const tinyImages: Record<string, unknown> = {};
for (const name of ["grit_keypoint_0_crop", "grit_localization_1_orig", "grit_refexp_1_orig"]) {
  tinyImages[name] = await stages(
    tiny.session,
    await decodeImage(resolve(fixtures, "inputs", `${name}.png`)),
  );
}
result.tinyFixture = { buildAndLoadMs: tiny.buildAndLoadMs, graphBytes: tiny.graphBytes, images: tinyImages };
await tiny.session.dispose();
file.close();

if (!args["skip-r50"]) {
  const r50 = await openSession(randomR50Fpn());
  // A synthetic 1066×800 image (already at the resized size, so the resize is a copy).
  const next = seededUniform(7);
  const image: RgbImage = {
    data: Uint8Array.from({ length: 1066 * 800 * 3 }, () => Math.floor(next() * 256)),
    width: 1066,
    height: 800,
  };
  result.randomR50Fpn = {
    buildAndLoadMs: r50.buildAndLoadMs,
    graphBytes: r50.graphBytes,
    ...(await stages(r50.session, image, 0.2)),
  };
  await r50.session.dispose();
}

console.log(JSON.stringify(result, null, 2));
