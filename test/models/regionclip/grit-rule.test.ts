/**
 * The GRIT single-query rule against `cases.json grit_single_query` (in-vocabulary query, added class, a query
 * with no detection) on every image, fed the stored region features: box sets, scores and confidence; the
 * NaN-drop run through the same rule; and `grit` mode's pruning of the reference boxes.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Localization } from "../../../src/models/localizer.js";
import {
  gritLocalization,
  type QueryClass,
  queryClassDetections,
  type RegionEvidence,
  referenceLocalization,
} from "../../../src/models/regionclip/grit-rule.js";
import { cosines, unitRows } from "../../../src/models/regionclip/region-scores.js";
import { assertClose } from "../../support/assert-close.js";
import {
  fixtureWeights,
  openFixtureTensors,
  type RegionClipRun,
  readRunF32,
  readRunI32,
  regionClipCases,
  regionClipFixtureFolders,
  regionClipRuns,
} from "./support/regionclip-fixture.js";

/** Asserts that every expected box has its own actual box within `atol` (order-free, one to one). */
function assertSameBoxSet(
  actual: readonly (readonly number[])[],
  expected: readonly (readonly number[])[],
  atol: number,
  what: string,
): void {
  assert.equal(
    actual.length,
    expected.length,
    `${what}: ${actual.length} boxes, expected ${expected.length}`,
  );
  const used = new Set<number>();
  for (const box of expected) {
    const match = actual.findIndex((a, i) => !used.has(i) && a.every((v, c) => Math.abs(v - box[c]) <= atol));
    assert.ok(match >= 0, `${what}: no box within ${atol} px of [${box.join(", ")}]`);
    used.add(match);
  }
}

function evidenceFor(
  folder: string,
  run: RegionClipRun,
  vocabulary: Float32Array,
  dim: number,
): RegionEvidence {
  const unitFeatures = unitRows(readRunF32(folder, run, "roi.attnpool"), dim);
  return {
    dim,
    unitFeatures,
    proposals: readRunF32(folder, run, "rpn.proposals"),
    objectnessLogits: readRunF32(folder, run, "rpn.proposal_logits"),
    resizedSize: { height: run.resized_hw[0], width: run.resized_hw[1] },
    originalSize: { height: run.orig_hw[0], width: run.orig_hw[1] },
    vocabularyCosines: cosines(unitFeatures, unitRows(vocabulary, dim), dim),
    vocabularySize: vocabulary.length / dim,
  };
}

for (const folder of regionClipFixtureFolders()) {
  const { file, weights } = fixtureWeights(folder);
  const vocabulary = weights.read("roi_heads.box_predictor.cls_score.weight");
  const dim = weights.shape("roi_heads.box_predictor.cls_score.weight")[1];
  file.close();
  const text = openFixtureTensors(folder, "text.safetensors");
  const queryEmbeddings = text.readFloat32("text.query_emb");
  text.close();
  const runs = regionClipRuns(folder);
  const cases = regionClipCases(folder);

  for (const [q, gritCase] of cases.grit_single_query.entries()) {
    const query: QueryClass = gritCase.in_vocabulary
      ? { vocabularyIndex: gritCase.class_index }
      : { embedding: queryEmbeddings.slice(q * dim, (q + 1) * dim) };
    for (const expected of gritCase.results) {
      test(`${folder}: GRIT ${gritCase.kind} query ${JSON.stringify(gritCase.query)} on ${expected.image}`, () => {
        const run = runs.find((r) => r.id === expected.image)!;
        const { detections, classIndex } = queryClassDetections(
          evidenceFor(folder, run, vocabulary, dim),
          query,
        );
        assert.equal(classIndex, expected.class_index);
        assert.equal(detections.count, expected.total_detections_all_classes, "detections over all classes");
        const mine = [...detections.proposalIndex].filter((_, n) => detections.classes[n] === classIndex);
        assert.deepEqual(new Set(mine), new Set(expected.proposal_index), "the query's proposals");

        const got = referenceLocalization(detections, classIndex);
        assertSameBoxSet(got.boxes, expected.grit_prediction.bboxes, 1e-3, "boxes");
        assertClose(got.scores, expected.scores, { atol: 1e-5 }, "fused scores");
        assertClose([got.confidence], [expected.grit_prediction.confidence], { atol: 1e-5 }, "confidence");
        if (expected.boxes.length === 0) assert.deepEqual(got, { boxes: [], scores: [], confidence: 0 });
      });
    }
  }

  for (const run of runs.filter((r) => r.base_run !== undefined)) {
    test(`${folder}/${run.id}: the GRIT rule keeps the run's own detections of a vocabulary class (NaN rows dropped)`, () => {
      const evidence = evidenceFor(folder, run, vocabulary, dim);
      const classes = readRunI32(folder, run, "det.final_classes");
      const boxes = readRunF32(folder, run, "det.boxes");
      const scores = readRunF32(folder, run, "det.final_scores");
      const classIndex = classes[0];
      const { detections } = queryClassDetections(evidence, { vocabularyIndex: classIndex });
      const got = referenceLocalization(detections, classIndex);
      const rows = [...classes.keys()].filter((n) => classes[n] === classIndex);
      assert.ok(rows.length > 0);
      assertSameBoxSet(
        got.boxes,
        rows.map((n) => [...boxes.subarray(n * 4, n * 4 + 4)]),
        1e-3,
        "boxes",
      );
      assertClose(
        got.scores,
        rows.map((n) => scores[n]),
        { atol: 1e-5 },
        "scores",
      );
      assert.equal(got.confidence, Math.min(1, Math.max(0, scores[rows[0]])));
    });
  }
}

const reference: Localization = {
  boxes: [
    [0, 0, 10, 10],
    [5, 5, 15, 15],
    [20, 20, 30, 30],
    [40, 40, 50, 50],
  ],
  scores: [1.4, 0.9, 0.6, 0.2],
  confidence: 1,
};

test("grit mode keeps the best boxes at or above the fused-score threshold, up to the cap", () => {
  const kept = gritLocalization(reference, { minScore: 0.6, maxBoxes: 5, fallbackToBest: true });
  assert.deepEqual(kept, { boxes: reference.boxes.slice(0, 3), scores: [1.4, 0.9, 0.6], confidence: 1 });
  const capped = gritLocalization(reference, { minScore: 0, maxBoxes: 2, fallbackToBest: true });
  assert.deepEqual(capped.scores, [1.4, 0.9]);
});

test("grit mode falls back to the best box, or returns nothing with confidence 0", () => {
  const low = { ...reference, scores: [0.3, 0.2, 0.1, 0.05], confidence: 0.3 };
  const fallback = gritLocalization(low, { minScore: 0.5, maxBoxes: 5, fallbackToBest: true });
  assert.deepEqual(fallback, { boxes: [reference.boxes[0]], scores: [0.3], confidence: 0.3 });
  const none = gritLocalization(low, { minScore: 0.5, maxBoxes: 5, fallbackToBest: false });
  assert.deepEqual(none, { boxes: [], scores: [], confidence: 0 });
  const empty = gritLocalization(
    { boxes: [], scores: [], confidence: 0 },
    { minScore: 0.5, maxBoxes: 5, fallbackToBest: true },
  );
  assert.deepEqual(empty, { boxes: [], scores: [], confidence: 0 });
});
