/**
 * Benchmark: RegionCLIP zero-shot per-image time by stage on CPU (fp32), for the tiny fixture topology
 * (regionclip/) and a seeded random model of real RN50 widths (CLIP RN50 to res5 + attnpool, R50-FPN + RPN;
 * ~65M parameters, scores meaningless) on a 1920×1080 image (→ 1333×750, 1,000 proposals, 1,203 classes).
 * Stages are timed as `RegionClipLocalizer.encodeImage` / `localize` compose them. Also the one-off cost of a
 * query outside the vocabulary: its 81 prompts through a random text tower of RN50's size (512 wide, 12 layers;
 * the localizer caches the embedding per query). Prints JSON with the peak RSS of the process.
 * Run: node --import tsx bench/regionclip.ts [--runs N] [--threads N] [--skip-rn50] [--roi-chunk N]
 */

import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { safetensorsWeightReader } from "../src/models/clip/checkpoint.js";
import { embedConcept } from "../src/models/regionclip/class-embeddings.js";
import { readClipResNetTopology } from "../src/models/regionclip/clip-resnet-topology.js";
import { prepareQuery } from "../src/models/regionclip/concept-text.js";
import { buildCosineModel, runCosines } from "../src/models/regionclip/cosine-graph.js";
import { generateProposals } from "../src/models/regionclip/generate-proposals.js";
import { queryClassDetections, referenceLocalization } from "../src/models/regionclip/grit-rule.js";
import { preprocessRegionClip } from "../src/models/regionclip/preprocess.js";
import {
  addClipResNet,
  addClipText,
  addR50Fpn,
  RandomWeights,
  REGIONCLIP_RN50_SIZE,
} from "../src/models/regionclip/random-regionclip.js";
import { RecognitionBranch } from "../src/models/regionclip/recognition-branch.js";
import { unitRows } from "../src/models/regionclip/region-scores.js";
import { openRegionClipRpn } from "../src/models/regionclip/rpn-session.js";
import { RegionClipTextEncoder } from "../src/models/regionclip/text-encoder.js";
import { randomTensor } from "../src/models/smoke/random-tensor.js";
import { SafetensorsFile } from "../src/models/weights/safetensors-reader.js";
import { writeSafetensors } from "../src/models/weights/safetensors-writer.js";
import { encodeModel } from "../src/onnx/model-writer.js";
import type { WeightReader } from "../src/onnx/nn/context.js";
import { type ExecutionChoice, OnnxSession } from "../src/onnx/session.js";
import { seededUniform } from "../src/seeded-uniform.js";
import { ClipTokenizer } from "../src/text/clip-tokenizer.js";
import { decodeImage } from "../src/vision/decode.js";
import type { RgbImage } from "../src/vision/image.js";

const { values: args } = parseArgs({
  options: {
    runs: { type: "string" },
    threads: { type: "string" },
    "skip-rn50": { type: "boolean" },
    "roi-chunk": { type: "string" },
  },
});
const runs = Number(args.runs ?? 1);
const threads = args.threads === undefined ? undefined : Number(args.threads);
const roiChunk = args["roi-chunk"] === undefined ? undefined : Number(args["roi-chunk"]);
const fixtures = process.env.GRITLOC_FIXTURES ?? resolve(import.meta.dirname, "../test/fixtures");
const tmp = mkdtempSync(join(tmpdir(), "gritloc-bench-regionclip-"));
const choice: ExecutionChoice = { provider: "cpu", precision: "fp32", threads, reason: "benchmark" };

const round = (ms: number) => Math.round(ms);

function randomImage(width: number, height: number, seed: number): RgbImage {
  const next = seededUniform(seed);
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(next() * 256);
  return { width, height, data };
}

/** Stage timings: wall clock, and this process's CPU time (ORT's threads included), which a busy machine inflates less. */
const cpuMs: Record<string, number> = {};

async function timed<T>(fn: () => Promise<T> | T, stage?: string): Promise<[T, number]> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const value = await fn();
  if (stage !== undefined) {
    const used = process.cpuUsage(cpu);
    cpuMs[stage] = (used.user + used.system) / 1000;
  }
  return [value, performance.now() - start];
}

interface Case {
  readonly name: string;
  readonly weights: WeightReader;
  readonly weightsId: string;
  readonly image: RgbImage;
  /** The vocabulary's embeddings [K, D]. */
  readonly vocabulary: Float32Array;
  readonly parameters: number;
}

async function benchCase(c: Case) {
  const cacheDir = join(tmp, "cache");
  const topology = readClipResNetTopology(c.weights);
  const [sessions, createMs] = await timed(async () => ({
    rpn: await openRegionClipRpn(c.weights, c.weightsId, choice, cacheDir),
    recognition: await RecognitionBranch.open(
      { weights: c.weights, topology, weightsId: c.weightsId },
      choice,
      cacheDir,
      roiChunk,
    ),
    cosines: await OnnxSession.create(encodeModel(buildCosineModel(topology.embedDim)), choice),
  }));
  const dim = topology.embedDim;
  const unitVocabulary = unitRows(c.vocabulary, dim);
  const perRun: Record<string, number>[] = [];
  const cpuRuns: Record<string, number>[] = [];
  let proposals = 0;
  let detections = 0;
  try {
    for (let r = 0; r < runs; r++) {
      const t: Record<string, number> = {};
      const [input, pre] = await timed(() => preprocessRegionClip(c.image), "preprocess");
      t.preprocess = pre;
      const [rpn, rpnMs] = await timed(() => generateProposals(sessions.rpn, input), "rpnAndProposals");
      t.rpnAndProposals = rpnMs;
      const [res4, res4Ms] = await timed(() => sessions.recognition.res4(input.resized), "clipRes4");
      t.clipRes4 = res4Ms;
      const [features, roiMs] = await timed(
        () => sessions.recognition.regionFeatures(res4, rpn.boxes),
        "roiHead",
      );
      t.roiHead = roiMs;
      const [evidence, cosMs] = await timed(async () => {
        const unitFeatures = unitRows(features, dim);
        return {
          dim,
          unitFeatures,
          proposals: rpn.boxes,
          objectnessLogits: rpn.objectnessLogits,
          resizedSize: input.resized,
          originalSize: input.originalSize,
          vocabularyCosines: await runCosines(sessions.cosines, unitFeatures, unitVocabulary, dim),
          vocabularySize: c.vocabulary.length / dim,
        };
      }, "vocabularyCosines");
      t.vocabularyCosines = cosMs;
      // One query added as class K (its text embedding: a random row here; the text tower is not timed).
      const query = { embedding: c.vocabulary.slice(0, dim).map((v, i) => v + (i % 7) * 1e-3) };
      const [found, queryMs] = await timed(
        () => queryClassDetections(evidence, query),
        "perQueryPostprocess",
      );
      t.perQueryPostprocess = queryMs;
      referenceLocalization(found.detections, found.classIndex);
      t.perImageTotal = Object.values(t).reduce((a, b) => a + b, 0);
      perRun.push(t);
      cpuRuns.push({ ...cpuMs, perImageTotal: Object.values(cpuMs).reduce((a, b) => a + b, 0) });
      proposals = rpn.boxes.length / 4;
      detections = found.detections.count;
    }
  } finally {
    await sessions.rpn.dispose();
    await sessions.recognition.dispose();
    await sessions.cosines.dispose();
  }
  const best = Object.fromEntries(
    Object.keys(perRun[0]).map((k) => [k, round(Math.min(...perRun.map((t) => t[k])))]),
  );
  return {
    name: c.name,
    paramsInMillions: Math.round(c.parameters / 1e5) / 10,
    image: { width: c.image.width, height: c.image.height },
    proposals,
    classes: c.vocabulary.length / dim,
    detections,
    createGraphsAndSessionsMs: round(createMs),
    perImageMs: best,
    perImageCpuMs: Object.fromEntries(
      Object.keys(cpuRuns[0]).map((k) => [k, round(Math.min(...cpuRuns.map((t) => t[k])))]),
    ),
  };
}

async function fixtureCase(): Promise<Case> {
  const file = SafetensorsFile.open(join(fixtures, "regionclip", "weights.safetensors"));
  const weights = safetensorsWeightReader(file);
  let parameters = 0;
  for (const [name, entry] of file.entries) {
    if (!name.startsWith("lang_encoder.")) parameters += entry.shape.reduce((a, d) => a * d, 1);
  }
  return {
    name: "regionclip fixture (tiny RN50 topology, seed 0)",
    weights,
    weightsId: "bench-fixture",
    image: await decodeImage(join(fixtures, "inputs", "grit_localization_1_orig.png")),
    vocabulary: weights.read("roi_heads.box_predictor.cls_score.weight"),
    parameters,
  };
}

function randomRn50Case(): Case {
  // The recognition and proposal parts only: the text tower is not timed.
  const weights = new RandomWeights(0);
  addClipResNet(weights, REGIONCLIP_RN50_SIZE);
  addR50Fpn(weights, REGIONCLIP_RN50_SIZE);
  const parameters = weights.parameters;
  const vocabulary = randomTensor(seededUniform(1), [1203, 1024], 1).data;
  return {
    name: "random RN50-sized (CLIP RN50 + R50-FPN RPN, 1203 classes)",
    weights,
    weightsId: "bench-random-rn50-seed0",
    image: randomImage(1920, 1080, 2),
    vocabulary,
    parameters,
  };
}

/** A query outside the vocabulary: build the text graph once, then embed one new query's 81 prompts per run. */
async function newQueryEmbedding() {
  const weights = new RandomWeights(3);
  addClipText(weights, REGIONCLIP_RN50_SIZE);
  const path = join(tmp, "regionclip-text.safetensors");
  writeSafetensors(path, weights.tensors);
  const file = SafetensorsFile.open(path);
  const tokenizer = await ClipTokenizer.fromFile(join(fixtures, "clip", "bpe_simple_vocab_16e6.txt.gz"));
  const [encoder, loadMs] = await timed(() =>
    RegionClipTextEncoder.load(file, choice, join(tmp, "cache"), { identity: "bench-random-text-seed3" }),
  );
  const wall: number[] = [];
  const cpu: number[] = [];
  try {
    for (let r = 0; r < runs; r++) {
      const [, ms] = await timed(
        () => embedConcept(encoder, tokenizer, prepareQuery(`striped beach umbrella ${r}`)),
        "newQuery",
      );
      wall.push(ms);
      cpu.push(cpuMs.newQuery);
    }
  } finally {
    await encoder.dispose();
    file.close();
  }
  return {
    name: "new query → 81 prompts → random RN50-sized text tower (512 × 12), mean",
    paramsInMillions: Math.round(weights.parameters / 1e5) / 10,
    buildGraphAndSessionMs: round(loadMs),
    perQueryMs: round(Math.min(...wall)),
    perQueryCpuMs: round(Math.min(...cpu)),
  };
}

try {
  const results: object[] = [await benchCase(await fixtureCase())];
  if (!args["skip-rn50"]) results.push(await benchCase(randomRn50Case()), await newQueryEmbedding());
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    node: process.version,
    threads: threads ?? "ort default",
    roiChunk: roiChunk ?? "default (100)",
  };
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(
    `${JSON.stringify({ benchmark: "regionclip", provider: "cpu", precision: "fp32", runs, machine, peakRssMb, results }, null, 2)}\n`,
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
