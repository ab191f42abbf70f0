/**
 * Vision benchmark: per-image medians of decode, resize, 11×SLIC, heatmap and box search on the fixture photos
 * (`test/fixtures/slic/*_orig.png`, also re-encoded as JPEG), and — when /usr/bin/python3 has
 * scikit-image, torch and Pillow — the same stages of the Python reference measured in the same run, as ratios.
 * Run: `node --import tsx bench/vision.ts [--repeats 7]`. Prints one JSON object.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { boxSearch } from "../src/vision/box-search.js";
import { decodeImage } from "../src/vision/decode.js";
import { heatmapFromLabels } from "../src/vision/heatmap.js";
import { resizeBicubic } from "../src/vision/resize.js";
import { slicPyramid } from "../src/vision/slic.js";
import { fixturePath, readF32, readFixtureJson } from "../test/support/fixtures.js";

const IMAGES = ["astronaut", "coffee", "chelsea", "grit_localization_0", "grit_refexp_0"];
const N_SEGMENTS = [100, 150, 200, 250, 300, 350, 400, 450, 500, 550, 600];
const STAGES = ["decodePng", "decodeJpeg", "resize", "slic11", "heatmap", "box"] as const;
type Stage = (typeof STAGES)[number];
type Timings = Record<string, Record<string, number>>;

const repeatsArg = process.argv.indexOf("--repeats");
const REPEATS = repeatsArg > 0 ? Number(process.argv[repeatsArg + 1]) : 7;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** The `slicvit/` logits of query 0 of an image: the heatmap input for M masks. */
function logitsOf(name: string): Float32Array {
  return readF32("slicvit", `${name}_q0_logits.f32`);
}

async function timeJs(jpegs: Record<string, string>): Promise<Timings> {
  const out: Timings = {};
  for (const name of IMAGES) {
    const samples: Record<Stage, number[]> = {
      decodePng: [],
      decodeJpeg: [],
      resize: [],
      slic11: [],
      heatmap: [],
      box: [],
    };
    const png = fixturePath("slic", `${name}_orig.png`);
    const logits = logitsOf(name);
    // One warm-up round (JIT), then the measured repeats.
    for (let r = 0; r <= REPEATS; r++) {
      let t = performance.now();
      const image = await decodeImage(png);
      const tDecode = performance.now() - t;
      t = performance.now();
      await decodeImage(jpegs[name]);
      const tJpeg = performance.now() - t;
      t = performance.now();
      const resized = resizeBicubic(image, 224, 224);
      const tResize = performance.now() - t;
      t = performance.now();
      const maps = slicPyramid(resized, { nSegments: N_SEGMENTS, compactness: 50, sigma: 0 });
      const tSlic = performance.now() - t;
      const perMap: Float32Array[] = [];
      let offset = 0;
      for (const map of maps) {
        perMap.push(logits.subarray(offset, offset + map.count));
        offset += map.count;
      }
      t = performance.now();
      const heatmap = heatmapFromLabels(maps, perMap, 0.02);
      const tHeatmap = performance.now() - t;
      t = performance.now();
      boxSearch(heatmap, { alpha: 0.75 });
      const tBox = performance.now() - t;
      if (r === 0) continue;
      samples.decodePng.push(tDecode);
      samples.decodeJpeg.push(tJpeg);
      samples.resize.push(tResize);
      samples.slic11.push(tSlic);
      samples.heatmap.push(tHeatmap);
      samples.box.push(tBox);
    }
    out[name] = Object.fromEntries(STAGES.map((s) => [s, round(median(samples[s]))]));
  }
  return out;
}

/**
 * The Python side, written for this benchmark: the reference's stages as adapting-CLIP runs them (PIL decode and
 * resize, skimage slic, the NumPy heatmap over the [M, 224, 224] mask stack, the PyTorch brute-force box search).
 */
const PYTHON = `
import json, sys, time
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from skimage.segmentation import slic

torch.set_num_threads(1)
args = json.loads(sys.argv[1])
ns = list(range(100, 601, 50))

def med(xs):
    return float(np.median(xs)) * 1000.0

def masks_of(im):
    stack = []
    for n in ns:
        labels = slic(im.astype(np.float32) / 255., n_segments=n, compactness=50, sigma=0)
        for i in np.unique(labels):
            stack.append(labels == i)
    return np.stack(stack, 0)

def heatmap_of(masks, logits):
    h = np.full(masks.shape, np.nan, dtype=np.float32)
    for i in range(len(masks)):
        h[i][masks[i]] = logits[i]
    h = np.exp(h / 0.02)
    h = np.nanmean(h, 0)
    ok = ~np.isnan(h)
    lo, hi = h[ok].min(), h[ok].max()
    h[ok] = (h[ok] - lo) / (hi - lo + 1e-8)
    h[~ok] = 0.
    return h

def search(m, iv, alpha):
    hh, ww = m.shape
    s = F.pad(m.cumsum(1).cumsum(0), (1, 0, 1, 0))
    total = m.sum().item()
    b = torch.cartesian_prod(*[torch.arange(a, z + 1) for a, z in iv])
    x1, y1, x2, y2 = b.t()
    b = b[(x2 > x1) & (y2 > y1)]
    x1, y1, x2, y2 = b.t()
    frac = (s[y2 + 1, x2 + 1] - s[y2 + 1, x1] - s[y1, x2 + 1] + s[y1, x1]) / (total + 1e-8)
    area = (x2 - x1 + 1).float() * (y2 - y1 + 1).float() / float(hh * ww)
    return b[(frac - alpha * area).argmax()]

def box_of(h, alpha=0.75, d=8):
    m = torch.from_numpy(h)
    small = F.interpolate(m[None, None], (m.shape[0] // d, m.shape[1] // d), mode='bilinear')[0, 0]
    x1, y1, x2, y2 = (search(small, [[0, small.shape[1] - 1], [0, small.shape[0] - 1]] * 2, alpha) * d).tolist()
    w, hgt = m.shape[1], m.shape[0]
    iv = [[max(0, x1 - d), min(x1 + d, w - 1)], [max(0, y1 - d), min(y1 + d, hgt - 1)],
          [max(0, x2 - d), min(x2 + d, w - 1)], [max(0, y2 - d), min(y2 + d, hgt - 1)]]
    return search(m, iv, alpha)

out = {}
for item in args['images']:
    t = {k: [] for k in ['decodePng', 'decodeJpeg', 'resize', 'slic11', 'getMasks', 'heatmap', 'box']}
    logits = np.fromfile(item['logits'], dtype=np.float32)
    for r in range(args['repeats'] + 1):
        a = time.perf_counter(); im = np.array(Image.open(item['png']).convert('RGB')); b = time.perf_counter()
        np.array(Image.open(item['jpeg']).convert('RGB')); c = time.perf_counter()
        small = np.array(Image.fromarray(im).convert('RGB').resize((224, 224))); d = time.perf_counter()
        for n in ns:
            slic(small.astype(np.float32) / 255., n_segments=n, compactness=50, sigma=0)
        e = time.perf_counter()
        masks = masks_of(small); f = time.perf_counter()
        h = heatmap_of(masks, logits); g = time.perf_counter()
        box_of(h); k = time.perf_counter()
        if r == 0:
            continue
        for key, v in [('decodePng', b - a), ('decodeJpeg', c - b), ('resize', d - c), ('slic11', e - d),
                       ('getMasks', f - e), ('heatmap', g - f), ('box', k - g)]:
            t[key].append(v)
    out[item['name']] = {key: round(med(v), 3) for key, v in t.items()}
print(json.dumps(out))
`;

function pythonAvailable(): string | undefined {
  const probe = spawnSync("/usr/bin/python3", ["-c", "import skimage, torch, PIL"], { encoding: "utf8" });
  if (probe.error) return `python3 not runnable: ${probe.error.message}`;
  if (probe.status !== 0) return `missing Python packages: ${probe.stderr.trim().split("\n").pop()}`;
  return undefined;
}

function timePython(dir: string, jpegs: Record<string, string>): Timings {
  const script = join(dir, "reference_bench.py");
  writeFileSync(script, PYTHON);
  const images = IMAGES.map((name) => ({
    name,
    png: fixturePath("slic", `${name}_orig.png`),
    jpeg: jpegs[name],
    logits: fixturePath("slicvit", `${name}_q0_logits.f32`),
  }));
  const run = spawnSync("/usr/bin/python3", [script, JSON.stringify({ images, repeats: REPEATS })], {
    encoding: "utf8",
    maxBuffer: 1 << 24,
  });
  if (run.status !== 0) throw new Error(`Python reference benchmark failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Timings;
}

function summarise(perImage: Timings): Record<string, number> {
  const keys = Object.keys(Object.values(perImage)[0]);
  return Object.fromEntries(keys.map((k) => [k, round(median(IMAGES.map((name) => perImage[name][k])))]));
}

/** decode (JPEG, the GRIT format) + resize + SLIC + heatmap + box: the CPU part of one sample. */
function samplePart(s: Record<string, number>, slicKey: string): number {
  return round(s.decodeJpeg + s.resize + s[slicKey] + s.heatmap + s.box);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "gritloc-bench-vision-"));
  try {
    const jpegs: Record<string, string> = {};
    for (const name of IMAGES) {
      jpegs[name] = join(dir, `${name}.jpg`);
      await sharp(fixturePath("slic", `${name}_orig.png`))
        .jpeg({ quality: 95 })
        .toFile(jpegs[name]);
    }
    const casesM = readFixtureJson<{ images: { name: string; n_masks_M?: number }[] }>(
      "slicvit",
      "cases.json",
    );
    const loadBefore = loadavg()[0];
    const js = await timeJs(jpegs);
    const jsMedian = summarise(js);
    const missing = pythonAvailable();
    const python = missing === undefined ? timePython(dir, jpegs) : undefined;
    const pyMedian = python === undefined ? undefined : summarise(python);
    const ratio = (k: string) => (pyMedian === undefined ? undefined : round(pyMedian[k] / jsMedian[k]));
    const result = {
      bench: "vision",
      unit: "ms (median per image; `median` = median over the 5 images)",
      repeats: REPEATS,
      node: process.version,
      cpu: cpus()[0]?.model,
      cores: cpus().length,
      loadAverage1m: { before: round(loadBefore), after: round(loadavg()[0]) },
      images: casesM.images.map((i) => i.name),
      js: { perImage: js, median: jsMedian, samplePart: samplePart(jsMedian, "slic11") },
      python:
        python === undefined || pyMedian === undefined
          ? { skipped: missing }
          : {
              threads: 1,
              perImage: python,
              median: pyMedian,
              samplePartSlicCalls: samplePart(pyMedian, "slic11"),
              samplePartUpstreamGetMasks: samplePart(pyMedian, "getMasks"),
            },
      speedup:
        pyMedian === undefined
          ? undefined
          : {
              decodePng: ratio("decodePng"),
              decodeJpeg: ratio("decodeJpeg"),
              resize: ratio("resize"),
              slic11: ratio("slic11"),
              heatmap: ratio("heatmap"),
              box: ratio("box"),
              samplePartVsSlicCalls: round(samplePart(pyMedian, "slic11") / samplePart(jsMedian, "slic11")),
              samplePartVsUpstream: round(samplePart(pyMedian, "getMasks") / samplePart(jsMedian, "slic11")),
            },
      referenceReadme: { slicGetMasks: 380, heatmap: 2680, box: 11, note: "fixture README, 2 torch threads" },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
