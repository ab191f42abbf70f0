/**
 * Benchmark: SLICViT per-sample time by stage on CPU and peak RSS, for the fixture model (slicvit/, 4.1 M
 * params) and a random ViT-B/16-sized CLIP (vision width 768 × 12 layers, patch 16 → stride 8, 28×28 tokens;
 * text 512 × 12; 150 M params). Samples are the 15 (image, query) pairs of slicvit/cases.json; each sample
 * runs decode → resize + SLIC → localize on a fresh PreparedImage (no region-embedding reuse across samples;
 * text embeddings are cached per query string, as in a real run). Prints JSON.
 * Reference (upstream PyTorch 1.13, same 2-core machine): 4.6 s/sample median (small), ~25 s (B/16-sized),
 * peak RSS 3.3–3.9 GiB.
 * Run: node --import tsx bench/slicvit.ts [--model small|b16] [--threads N] [--provider cpu|cuda|auto]
 *        [--precision fp32|fp16]   (no --model: both, one process each; default CPU fp32, as the figures above)
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { clipConfigToJson } from "../src/models/clip/config.js";
import { createLocalizer } from "../src/models/registry.js";
import type { SlicVitLocalizer } from "../src/models/slicvit/localizer.js";
import { CLIP_B16_CONFIG, randomClipTensors } from "../src/models/smoke/random-clip.js";
import { writeSafetensors } from "../src/models/weights/safetensors-writer.js";
import type { PrecisionRequest, ProviderRequest } from "../src/onnx/session.js";
import { decodeImage } from "../src/vision/decode.js";
import { prepareDecoded } from "../src/vision/prepare.js";
import { fixtureConfigJson, fixtureTensors, slicVitCases } from "../test/models/support/fixture-clip.js";

const fixtures = process.env.GRITLOC_FIXTURES ?? resolve(import.meta.dirname, "../test/fixtures");
const workDir = join(tmpdir(), "gritloc-bench-slicvit");
const { values } = parseArgs({
  options: {
    model: { type: "string" },
    threads: { type: "string" },
    build: { type: "boolean" },
    provider: { type: "string" },
    precision: { type: "string" },
  },
});

/** Weights + config files of a bench model (written once into the bench folder). */
function modelFiles(model: string): { weights: string; config: string } {
  const weights = join(workDir, `${model}.safetensors`);
  const config = join(workDir, `${model}.json`);
  if (!existsSync(weights)) {
    mkdirSync(workDir, { recursive: true });
    if (model === "small") {
      writeSafetensors(weights, fixtureTensors());
      writeFileSync(config, JSON.stringify(fixtureConfigJson()));
    } else {
      writeSafetensors(weights, randomClipTensors(CLIP_B16_CONFIG, 1));
      writeFileSync(config, JSON.stringify(clipConfigToJson(CLIP_B16_CONFIG)));
    }
  }
  return { weights, config };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x: number) => Math.round(x * 1000) / 1000;

async function runOne(model: string): Promise<unknown> {
  const files = modelFiles(model);
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  const runtime = {
    provider: (values.provider ?? "cpu") as ProviderRequest,
    ...(values.precision === undefined ? {} : { precision: values.precision as PrecisionRequest }),
    cacheDir: join(workDir, "cache"),
    ...(threads ? { threads } : {}),
  };
  const spec = {
    family: "slicvit" as const,
    ...files,
    vocab: join(fixtures, "clip", "bpe_simple_vocab_16e6.txt.gz"),
  };
  let t = performance.now();
  const localizer = (await createLocalizer(spec, runtime)) as SlicVitLocalizer;
  const createSeconds = (performance.now() - t) / 1000;
  if (values.build) return { model, built: true, createSeconds: round(createSeconds) };
  const stages: Record<string, number[]> = {
    decode: [],
    slic: [],
    attentionIndex: [],
    vision: [],
    text: [],
    heatmap: [],
    box: [],
    total: [],
    // Process CPU time (user + system) per sample: with other work on the machine, wall time grows but this
    // does not, so it tells how contended a run was (idle 2-core wall ≈ cpu / 2 for the ONNX part).
    cpu: [],
  };
  const masks: number[] = [];
  const regions: number[] = [];
  for (const image of slicVitCases().images) {
    for (const q of image.queries) {
      const start = performance.now();
      const cpuStart = process.cpuUsage();
      t = start;
      const decoded = await decodeImage(join(fixtures, "slicvit", image.orig_image));
      stages.decode.push((performance.now() - t) / 1000);
      t = performance.now();
      const prepared = prepareDecoded(decoded, localizer.prepareSpec);
      stages.slic.push((performance.now() - t) / 1000);
      await localizer.localize(prepared, [q.query]);
      stages.total.push((performance.now() - start) / 1000);
      const cpu = process.cpuUsage(cpuStart);
      stages.cpu.push((cpu.user + cpu.system) / 1e6);
      const timings = localizer.lastTimings!;
      for (const k of ["attentionIndex", "vision", "text", "heatmap", "box"] as const)
        stages[k].push(timings[k] / 1000);
      const { index } = await localizer.regionEmbeddings(prepared);
      masks.push(index.maskCount);
      regions.push(index.regionCount);
    }
  }
  await localizer.dispose();
  return {
    model,
    provider: localizer.info.provider,
    precision: runtime.precision ?? (localizer.info.provider === "cuda" ? "fp16" : "fp32"),
    params: localizer.info.paramsInMillions,
    samples: stages.total.length,
    masksMedian: median(masks),
    regionTokensMedian: median(regions),
    medianSeconds: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, round(median(v))])),
    meanSeconds: Object.fromEntries(
      Object.entries(stages).map(([k, v]) => [k, round(v.reduce((a, b) => a + b, 0) / v.length)]),
    ),
    createSeconds: round(createSeconds),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

if (values.model !== undefined) {
  process.stdout.write(`${JSON.stringify(await runOne(values.model))}\n`);
} else {
  const results = [];
  for (const model of ["small", "b16"]) {
    // One process builds (and caches) the graphs, a fresh one measures, so peak RSS is that of a run.
    const args = [
      "--import",
      "tsx",
      import.meta.filename,
      "--model",
      model,
      ...(values.threads ? ["--threads", values.threads] : []),
      ...(values.provider ? ["--provider", values.provider] : []),
      ...(values.precision ? ["--precision", values.precision] : []),
    ];
    spawnSync(process.execPath, [...args, "--build"], { stdio: ["ignore", "ignore", "inherit"] });
    // Other processes on the machine slow a run down; the load average says how busy it was.
    const loadBefore = loadavg();
    const run = spawnSync(process.execPath, args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    results.push({ ...JSON.parse(run.stdout), loadAverageBefore: loadBefore.map(round) });
  }
  const machine = `${cpus()[0].model}, ${availableParallelism()} cores`;
  process.stdout.write(
    `${JSON.stringify({ machine, loadAverageAtEnd: loadavg().map(round), results }, null, 2)}\n`,
  );
}
