/**
 * Benchmark: GRIT samples loading and scoring at full ablation size. Prints JSON.
 * Builds a 21,078-sample file from the peer submission's ids (fixture peer/) in the public format, and one in the
 * extended format with synthetic ground truth and meta, then times loadSamples, loadPredictions,
 * validatePredictions, evaluateLocalization and writeSubmissionZip.
 * Run: node --import tsx bench/grit-scoring.ts
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadPredictions } from "../src/grit/load-predictions.js";
import { evaluateLocalization } from "../src/grit/metric.js";
import { loadSamples } from "../src/grit/samples.js";
import { writeSubmissionZip } from "../src/grit/submission-zip.js";
import { validatePredictions } from "../src/grit/validate-predictions.js";

const fixtures = process.env.GRITLOC_FIXTURES ?? resolve(import.meta.dirname, "../test/fixtures");
const peerPath = join(fixtures, "peer", "adapting-clip-ablation-localization.json");
const tmp = mkdtempSync(join(tmpdir(), "gritloc-bench-"));

async function time<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, Math.round((performance.now() - start) * 10) / 10];
}

const peer = JSON.parse(readFileSync(peerPath, "utf8")) as { example_id: string; bboxes: number[][] }[];
const publicPath = join(tmp, "public.json");
writeFileSync(
  publicPath,
  JSON.stringify(
    peer.map((p) => ({
      example_id: p.example_id,
      image_id: `${p.example_id}.jpg`,
      task_name: "localization",
      task_query: "thing",
      task_bbox: null,
      output_options: null,
    })),
  ),
);
const extendedPath = join(tmp, "extended.json");
writeFileSync(
  extendedPath,
  JSON.stringify(
    peer.map((p, i) => ({
      input: {
        example_id: p.example_id,
        image_id: `${i}.jpg`,
        task_name: "localization",
        task_query: "thing",
        task_bbox: null,
        output_options: null,
      },
      // Ground truth: the predicted box shifted by a few pixels, so scores are spread.
      output: {
        example_id: p.example_id,
        bboxes: p.bboxes.map((b) => b.map((v, k) => v + ((i * 7 + k) % 13))),
      },
      meta: {
        data_source: "synthetic",
        image_size: [640, 480],
        is_new_source: p.example_id.startsWith("open_images"),
        has_new_concept: i % 3 === 0,
        is_distorted: p.example_id.endsWith("_dist"),
        distortion: null,
        concepts: [{ lemma: "thing", synset: null }],
      },
    })),
  ),
);

const [publicSamples, loadPublicMs] = await time(() => loadSamples(publicPath));
const [extendedSamples, loadExtendedMs] = await time(() => loadSamples(extendedPath));
const [predictions, loadPredictionsMs] = await time(() => loadPredictions(peerPath));
const [problems, validateMs] = await time(() => validatePredictions(publicSamples, predictions.entries));
const [metrics, evaluateMs] = await time(() =>
  evaluateLocalization({ samples: extendedSamples, predictions: predictions.entries, paramsInMillions: 428 }),
);
const [, zipMs] = await time(() =>
  writeSubmissionZip({
    entries: predictions.entries,
    samples: publicSamples,
    paramsInMillions: 428,
    subset: "ablation",
    out: join(tmp, "ablation.zip"),
  }),
);
rmSync(tmp, { recursive: true, force: true });

console.log(
  JSON.stringify(
    {
      samples: publicSamples.length,
      loadSamplesPublicMs: loadPublicMs,
      loadSamplesExtendedMs: loadExtendedMs,
      loadPredictionsMs,
      validatePredictionsMs: validateMs,
      problems: problems.length,
      evaluateLocalizationMs: evaluateMs,
      metricKeys: Object.keys(metrics).length,
      writeSubmissionZipMs: zipMs,
    },
    null,
    2,
  ),
);
