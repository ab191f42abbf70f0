/**
 * Benchmark: the inference runner with the smoke model over a GRIT-like sample list (default 2,000 samples,
 * ≈1.2 per image as in GRIT ablation, 320×240 JPEGs). Compares preparation on the main thread (`threads: 0`)
 * with the pipelined worker-thread pool, each mode in a fresh process; prints JSON with samples/s, CPU cores
 * used, and RSS sampled over time (it should stay flat). Run:
 *   node --import tsx bench/run.ts [--samples 2000] [--n-segments 100] [--modes 0,1,2] [--every-ms 2000]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { runInference } from "../src/run/run-inference.js";
import { seededUniform } from "../src/seeded-uniform.js";
import { encodeJpeg } from "../src/vision/encode.js";

const { values } = parseArgs({
  options: {
    samples: { type: "string", default: "2000" },
    "n-segments": { type: "string", default: "100" },
    modes: { type: "string", default: "0,1,2" },
    "every-ms": { type: "string", default: "2000" },
    child: { type: "string" },
    data: { type: "string" },
  },
});
const sampleCount = Number(values.samples);
const nSegments = values["n-segments"].split(",").map(Number);
const everyMs = Number(values["every-ms"]);

/** Samples file + images (smooth shapes plus noise, so SLIC has structure); cached under the temp folder. */
async function makeData(dir: string): Promise<void> {
  const random = seededUniform(7);
  const samples: object[] = [];
  let image = -1;
  let left = 0;
  for (let i = 0; i < sampleCount; i++) {
    if (left === 0) {
      image++;
      left = random() < 0.82 ? 1 : 2 + Math.floor(random() * 2); // ≈1.2 samples per image
    }
    left--;
    const imageId = `open_images/test/${String(image).padStart(8, "0")}.jpg`;
    samples.push({
      example_id: `open_images_loc_test_thing${i}_${image}`,
      image_id: imageId,
      task_name: "localization",
      task_query: ["dog", "baking dish", "red car", "person", "tree"][i % 5],
      task_bbox: null,
      output_options: null,
    });
    const path = join(dir, "images", imageId);
    if (existsSync(path)) continue;
    const width = 320;
    const height = 240;
    const data = new Uint8Array(width * height * 3);
    const cx = random() * width;
    const cy = random() * height;
    const r = 30 + random() * 80;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const inside = (x - cx) ** 2 + (y - cy) ** 2 < r * r;
        const o = (y * width + x) * 3;
        data[o] = (inside ? 200 : (x * 255) / width) + random() * 20;
        data[o + 1] = (inside ? 60 : (y * 255) / height) + random() * 20;
        data[o + 2] = (inside ? 40 : 128) + random() * 20;
      }
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, await encodeJpeg({ width, height, data }, { quality: 85 }));
  }
  writeFileSync(join(dir, "samples.json"), JSON.stringify(samples));
}

/** One mode in this process: run, sampling RSS and CPU. */
async function runMode(dataDir: string, threads: number): Promise<object> {
  const runDir = mkdtempSync(join(tmpdir(), "gritloc-bench-run-"));
  const rss: { s: number; mb: number; done: number }[] = [];
  let done = 0;
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const sample = () =>
    rss.push({
      s: Math.round((performance.now() - started) / 100) / 10,
      mb: Math.round(process.memoryUsage.rss() / 1e5) / 10,
      done,
    });
  const timer = setInterval(sample, everyMs);
  const handle = runInference({
    samples: join(dataDir, "samples.json"),
    images: join(dataDir, "images"),
    model: { family: "smoke", options: { nSegments } },
    run: runDir,
    threads,
    runtime: { provider: "cpu" },
  });
  handle.on((event) => {
    if ("counts" in event) done = event.counts.done;
  });
  const summary = await handle.done;
  clearInterval(timer);
  sample();
  const cpu = process.cpuUsage(cpuStart);
  const wallS = (performance.now() - started) / 1000;
  rmSync(runDir, { recursive: true, force: true });
  const mbs = rss.map((r) => r.mb);
  const steady = mbs.slice(Math.floor(mbs.length / 4));
  return {
    threads,
    mode:
      threads === 0 ? "inline (prepare on the main thread)" : `pipelined (${threads} prepare worker threads)`,
    samples: summary.predictions + summary.errors,
    errors: summary.errors,
    wallS: Math.round(wallS * 10) / 10,
    samplesPerSecond: Math.round((summary.predictions / wallS) * 100) / 100,
    cpuCores: Math.round(((cpu.user + cpu.system) / 1e6 / wallS) * 100) / 100,
    modelS: Math.round(summary.modelSeconds * 10) / 10,
    waitForPrepareS: Math.round(summary.prepareWaitSeconds * 10) / 10,
    peakRssMB: Math.max(...mbs),
    rssAfterFirstQuarterMB: { min: Math.min(...steady), max: Math.max(...steady) },
    rssOverTime: rss,
  };
}

if (values.child !== undefined) {
  process.stdout.write(`${JSON.stringify(await runMode(values.data!, Number(values.child)))}\n`);
} else {
  const dataDir = join(tmpdir(), `gritloc-bench-run-data-${sampleCount}`);
  mkdirSync(dataDir, { recursive: true });
  const prepStart = performance.now();
  await makeData(dataDir);
  const dataSetupS = Math.round((performance.now() - prepStart) / 100) / 10;
  const results: object[] = [];
  for (const threads of values.modes.split(",").map(Number)) {
    const child = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "bench/run.ts",
        "--child",
        String(threads),
        "--data",
        dataDir,
        ...process.argv.slice(2),
      ],
      { encoding: "utf8", maxBuffer: 64 << 20 },
    );
    if (child.status !== 0) throw new Error(`mode threads=${threads} failed:\n${child.stderr}`);
    results.push(JSON.parse(child.stdout.trim().split("\n").at(-1)!));
  }
  const output = {
    bench: "run",
    samples: sampleCount,
    model: { family: "smoke", nSegments },
    cores: availableParallelism(),
    // This machine may be shared: the load average tells how much of the cores the runs really got.
    loadAverage: loadavg().map((l) => Math.round(l * 10) / 10),
    dataSetupS,
    results,
  };
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
}
