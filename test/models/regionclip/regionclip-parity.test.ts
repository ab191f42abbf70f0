/**
 * Tier-B parity of the whole public path, for every `regionclip*` fixture folder: the release-format `.pth`
 * files (regionclip.pth, rpn.pth, concept_emb.pth) → our ONNX graphs → onnxruntime-node → TS post-processing,
 * from the original image. Detections over the vocabulary and the GRIT cases are compared as sets (near-equal
 * scores may swap places): boxes ≤ 0.05 px, scores and confidence ≤ 1e-2 (fixture README, tier B). The NaN-drop
 * run loads an rpn.pth rewritten with the run's objectness bias.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { queryClassDetections } from "../../../src/models/regionclip/grit-rule.js";
import {
  createRegionClipLocalizer,
  type RegionClipFiles,
  type RegionClipLocalizer,
} from "../../../src/models/regionclip/localizer.js";
import type { RegionDetections } from "../../../src/models/regionclip/region-scores.js";
import { openTorchStateDict } from "../../../src/models/weights/torch-checkpoint.js";
import { prepareImage } from "../../../src/vision/prepare.js";
import { fixturePath, readFixtureJson } from "../../support/fixtures.js";
import { writeStateDict } from "../weights/support/torch-save.js";
import {
  type RegionClipRun,
  readRunF32,
  readRunI32,
  regionClipCases,
  regionClipFixtureFolders,
  regionClipRuns,
} from "./support/regionclip-fixture.js";

const work = mkdtempSync(join(tmpdir(), "gritloc-regionclip-parity-"));
after(() => rmSync(work, { recursive: true, force: true }));
const runtime = { provider: "cpu" as const, cacheDir: join(work, "cache") };
const BOX_PX = 0.05;
const SCORE = 1e-2;

interface Detection {
  readonly cls: number;
  readonly box: readonly number[];
  readonly score: number;
}

function listOf(d: RegionDetections): Detection[] {
  return Array.from({ length: d.count }, (_, n) => ({
    cls: d.classes[n],
    box: [...d.boxes.subarray(n * 4, n * 4 + 4)],
    score: d.scores[n],
  }));
}

/** One-to-one matching by class and box (≤ BOX_PX), then the scores (≤ SCORE). */
function assertSameDetectionSet(
  actual: readonly Detection[],
  expected: readonly Detection[],
  what: string,
): void {
  assert.equal(
    actual.length,
    expected.length,
    `${what}: ${actual.length} detections, expected ${expected.length}`,
  );
  const used = new Set<number>();
  for (const e of expected) {
    const i = actual.findIndex(
      (a, k) => !used.has(k) && a.cls === e.cls && a.box.every((v, c) => Math.abs(v - e.box[c]) <= BOX_PX),
    );
    assert.ok(i >= 0, `${what}: no class-${e.cls} box within ${BOX_PX} px of [${e.box.join(", ")}]`);
    used.add(i);
    assert.ok(
      Math.abs(actual[i].score - e.score) <= SCORE,
      `${what}: score ${actual[i].score} vs ${e.score}`,
    );
  }
}

function storedDetections(folder: string, run: RegionClipRun): Detection[] {
  const classes = readRunI32(folder, run, "det.final_classes");
  const boxes = readRunF32(folder, run, "det.boxes");
  const scores = readRunF32(folder, run, "det.final_scores");
  return [...classes].map((cls, n) => ({
    cls,
    box: [...boxes.subarray(n * 4, n * 4 + 4)],
    score: scores[n],
  }));
}

/** The folder's files in release format, with the vocabulary's raw names as a class-names file. */
function releaseFiles(folder: string, rpnWeights = fixturePath(folder, "rpn.pth")): RegionClipFiles {
  const classNames = join(work, `${folder}-class-names.txt`);
  writeFileSync(
    classNames,
    `${regionClipCases(folder)
      .vocabulary.map((v) => v.lvis_name)
      .join("\n")}\n`,
  );
  return {
    weights: fixturePath(folder, "regionclip.pth"),
    rpnWeights,
    classEmbeddings: fixturePath(folder, "concept_emb.pth"),
    classNames,
    vocab: fixturePath("clip", "bpe_simple_vocab_16e6.txt.gz"),
  };
}

/** rpn.pth with the objectness bias a variant run overrides (e.g. the NaN-drop run). */
async function rpnWithOverride(
  folder: string,
  override: Readonly<Record<string, readonly number[]>>,
): Promise<string> {
  const source = await openTorchStateDict(fixturePath(folder, "rpn.pth"));
  const tensors: Record<string, { shape: readonly number[]; values: readonly number[] }> = {};
  try {
    for (const [name, info] of source.entries) {
      tensors[name] = { shape: info.shape, values: override[name] ?? [...source.readFloat32(name)] };
    }
  } finally {
    source.close();
  }
  const path = join(work, `${folder}-rpn-override.pth`);
  writeStateDict(path, tensors);
  return path;
}

for (const folder of regionClipFixtureFolders()) {
  const cases = regionClipCases(folder);
  const runs = regionClipRuns(folder);
  const textHeads = readFixtureJson<{ topology: { text: { heads: number } } }>(folder, "model.json").topology
    .text.heads;
  let model: RegionClipLocalizer;
  before(async () => {
    model = await createRegionClipLocalizer(releaseFiles(folder), { mode: "reference", textHeads }, runtime);
  });
  after(() => model?.dispose());

  for (const run of runs.filter((r) => r.base_run === undefined)) {
    test(`${folder}/${run.id}: detections over the vocabulary from the .pth files and the image`, async () => {
      const image = await prepareImage(fixturePath(folder, run.image), model.prepareSpec);
      const evidence = await model.encodeImage(image);
      const { detections } = queryClassDetections(evidence, { vocabularyIndex: 0 }, model.options);
      assertSameDetectionSet(listOf(detections), storedDetections(folder, run), "detections");
    });

    test(`${folder}/${run.id}: every GRIT case end to end, all queries in one localize call`, async () => {
      const image = await prepareImage(fixturePath(folder, run.image), model.prepareSpec);
      const queries = cases.grit_single_query.map((c) => c.query);
      const results = await model.localize(image, queries);
      for (const [q, gritCase] of cases.grit_single_query.entries()) {
        const expected = gritCase.results.find((r) => r.image === run.id)!;
        const got = results[q];
        const what = `${gritCase.kind} query ${JSON.stringify(gritCase.query)}`;
        const cls = expected.class_index;
        assertSameDetectionSet(
          got.boxes.map((box, n) => ({ cls, box, score: got.scores[n] })),
          expected.grit_prediction.bboxes.map((box, n) => ({ cls, box, score: expected.scores[n] })),
          `${what} boxes`,
        );
        assert.ok(
          Math.abs(got.confidence - expected.grit_prediction.confidence) <= SCORE,
          `${what}: confidence ${got.confidence} vs ${expected.grit_prediction.confidence}`,
        );
        if (expected.boxes.length === 0)
          assert.deepEqual(got, { boxes: [], scores: [], confidence: 0 }, what);
      }
    });
  }

  for (const run of runs.filter((r) => r.base_run !== undefined)) {
    test(`${folder}/${run.id}: the variant run's detections (NaN rows dropped) end to end`, async () => {
      const override = (run as RegionClipRun & { override: Record<string, number[]> }).override;
      const files = releaseFiles(folder, await rpnWithOverride(folder, override));
      const variant = await createRegionClipLocalizer(files, { mode: "reference", textHeads }, runtime);
      try {
        const image = await prepareImage(fixturePath(folder, run.image), variant.prepareSpec);
        const evidence = await variant.encodeImage(image);
        assert.ok(
          [...evidence.objectnessLogits].some((l) => l < 0),
          "some proposals have negative logits",
        );
        const { detections } = queryClassDetections(evidence, { vocabularyIndex: 0 }, variant.options);
        assertSameDetectionSet(listOf(detections), storedDetections(folder, run), "detections");
      } finally {
        await variant.dispose();
      }
    });
  }
}
