/**
 * Benchmark: OWL-ViT per-image and per-query time on CPU (fp32), for the tiny fixture model (owlvit/) and a
 * seeded random model of B/32's size (768 px, patch 32, vision width 768 × 12 layers, text width 512 × 12
 * layers, projection 512; ~150M parameters, scores meaningless). Prints JSON.
 * Run: node --import tsx bench/owlvit.ts [--runs N] [--threads N] [--skip-b32] [--provider cpu|cuda|auto]
 *        [--precision fp32|fp16]   (default CPU fp32)
 */

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { createOwlVitLocalizer, type OwlVitFiles } from "../src/models/owlvit/localizer.js";
import { OWLVIT_B32_SIZE, writeRandomOwlVit } from "../src/models/owlvit/random-owlvit.js";
import { type SafetensorsTensor, writeSafetensors } from "../src/models/weights/safetensors-writer.js";
import type { PrecisionRequest, ProviderRequest } from "../src/onnx/session.js";
import { seededUniform } from "../src/seeded-uniform.js";
import type { PreparedImage } from "../src/vision/prepare.js";

const { values: args } = parseArgs({
  options: {
    runs: { type: "string" },
    threads: { type: "string" },
    "skip-b32": { type: "boolean" },
    provider: { type: "string" },
    precision: { type: "string" },
  },
});
const runs = Number(args.runs ?? 5);
const threads = args.threads === undefined ? undefined : Number(args.threads);
const provider = (args.provider ?? "cpu") as ProviderRequest;
const precision = (args.precision ?? "fp32") as PrecisionRequest;
const fixtures = process.env.GRITLOC_FIXTURES ?? resolve(import.meta.dirname, "../test/fixtures");
const vocab = join(fixtures, "clip", "bpe_simple_vocab_16e6.txt.gz");
const tmp = mkdtempSync(join(tmpdir(), "gritloc-bench-owlvit-"));

const round = (ms: number) => Math.round(ms * 10) / 10;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

/** Median and min of `runs` timings after one warm-up call. */
async function repeat(fn: () => Promise<unknown>): Promise<{ medianMs: number; minMs: number }> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await timed(fn))[1]);
  times.sort((a, b) => a - b);
  return { medianMs: round(times[Math.floor(times.length / 2)]), minMs: round(times[0]) };
}

/** The fixture model's weights as a safetensors file + its config. */
function fixtureFiles(): OwlVitFiles {
  const dir = join(fixtures, "owlvit");
  const manifest = JSON.parse(readFileSync(join(dir, "weights", "manifest.json"), "utf8")) as {
    tensors: { name: string; file: string; shape: number[] }[];
  };
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const t of manifest.tensors) {
    const bytes = readFileSync(join(dir, "weights", t.file));
    tensors[t.name] = {
      shape: t.shape,
      data: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4),
    };
  }
  const weights = join(tmp, "fixture.safetensors");
  writeSafetensors(weights, tensors);
  return { weights, config: join(dir, "config.json"), vocab };
}

/** A seeded random OWL-ViT B/32 (HF names), written with its config.json. */
function randomB32Files(seed: number): OwlVitFiles {
  return { ...writeRandomOwlVit(tmp, "b32", OWLVIT_B32_SIZE, seed), vocab };
}

function randomImage(size: number, seed: number): PreparedImage {
  const next = seededUniform(seed);
  const data = new Uint8Array(size * size * 3);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(next() * 256);
  return {
    sourceSize: { width: 640, height: 480 },
    resized: { width: size, height: size, data },
    labelMaps: [],
  };
}

async function benchModel(name: string, files: OwlVitFiles) {
  const runtime = {
    provider,
    precision,
    cacheDir: join(tmp, "cache"),
    ...(threads ? { threads } : {}),
  };
  const [owl, createMs] = await timed(() => createOwlVitLocalizer(files, { mode: "grit" }, runtime));
  try {
    const image = randomImage(owl.prepareSpec.width, 1);
    const encoding = await owl.encodeImage(image);
    let counter = 0;
    // A new query text each call, so the text graph really runs (the localizer caches by text).
    const textOnly = await repeat(() => owl.encodeQueries([`a photo of object number ${counter++}`]));
    const { queryEmbeds } = await owl.encodeQueries(["a cup of coffee"]);
    const classHead = await repeat(() => owl.classify(encoding, queryEmbeds, 1));
    const perImage = await repeat(() => owl.encodeImage(image));
    const localizeNewQuery = await repeat(() => owl.localize(image, [`the thing number ${counter++}`]));
    return {
      name,
      provider: owl.info.provider,
      paramsInMillions: Math.round(owl.info.paramsInMillions * 10) / 10,
      inputSize: owl.prepareSpec.width,
      patches: encoding.patches,
      createMs: round(createMs),
      perImageMs: perImage,
      perQueryMs: { textGraph: textOnly, classHead },
      localizeOneNewQueryMs: localizeNewQuery,
    };
  } finally {
    await owl.dispose();
  }
}

try {
  const results = [await benchModel("owlvit fixture (tiny, seed 0)", fixtureFiles())];
  if (!args["skip-b32"]) results.push(await benchModel("random B/32-sized", randomB32Files(0)));
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    node: process.version,
    threads: threads ?? "ort default",
  };
  process.stdout.write(
    `${JSON.stringify({ benchmark: "owlvit", provider, precision, runs, machine, results }, null, 2)}\n`,
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
