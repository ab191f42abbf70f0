/**
 * Tier-A parity of RegionCLIP's box predictor and detection selection (steps 15–20), per run of every
 * `regionclip*` fixture folder: from the stored probabilities the detections are bit-exact; from the stored
 * region features and concept embeddings logits ≤ 1e-4, probs ≤ 1e-5 and the same detections in the same order.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  classLogits,
  cosines,
  fuseScores,
  type RegionDetections,
  rescaleDetections,
  selectDetections,
  softmaxRows,
  unitRows,
} from "../../../src/models/regionclip/region-scores.js";
import { assertClose } from "../../support/assert-close.js";
import {
  fixtureWeights,
  type RegionClipRun,
  readRunF32,
  readRunI32,
  regionClipFixtureFolders,
  regionClipRuns,
} from "./support/regionclip-fixture.js";

function sizeOf(hw: readonly [number, number]) {
  return { height: hw[0], width: hw[1] };
}

function detectionsFrom(folder: string, run: RegionClipRun, probs: Float32Array) {
  const proposals = readRunF32(folder, run, "rpn.proposals");
  const logits = readRunF32(folder, run, "rpn.proposal_logits");
  const selected = selectDetections(fuseScores(probs, logits), proposals, sizeOf(run.resized_hw));
  return { selected, final: rescaleDetections(selected, sizeOf(run.resized_hw), sizeOf(run.orig_hw)) };
}

function assertSameDetections(
  folder: string,
  run: RegionClipRun,
  got: { selected: RegionDetections; final: RegionDetections },
  scoreTolerance: number,
): void {
  const i32 = (name: string) => [...readRunI32(folder, run, name)];
  const f32 = (name: string) => readRunF32(folder, run, name);
  assert.deepEqual([...got.selected.proposalIndex], i32("det.proposal_index"), "proposal_index");
  assert.deepEqual([...got.selected.classes], i32("det.classes"), "classes");
  assert.deepEqual([...got.final.classes], i32("det.final_classes"), "final classes");
  if (scoreTolerance === 0) {
    assert.deepEqual(got.selected.scores, f32("det.scores"), "scores");
    assert.deepEqual(got.selected.boxes, f32("det.boxes_resized"), "boxes_resized");
    assert.deepEqual(got.final.boxes, f32("det.boxes"), "boxes");
    assert.deepEqual(got.final.scores, f32("det.final_scores"), "final scores");
  } else {
    assertClose(got.selected.scores, f32("det.scores"), { atol: scoreTolerance }, "scores");
    assertClose(got.final.boxes, f32("det.boxes"), { atol: 1e-3 }, "boxes");
  }
}

for (const folder of regionClipFixtureFolders()) {
  const { file, weights } = fixtureWeights(folder);
  const embeddings = weights.read("roi_heads.box_predictor.cls_score.weight");
  const [classes, dim] = weights.shape("roi_heads.box_predictor.cls_score.weight");
  file.close();

  for (const run of regionClipRuns(folder)) {
    test(`${folder}/${run.id}: detections from the stored probabilities are bit-exact (NaN rows dropped)`, () => {
      const got = detectionsFrom(folder, run, readRunF32(folder, run, "head.probs"));
      assert.equal(got.selected.count, run.detections.count);
      assertSameDetections(folder, run, got, 0);
    });

    if (run.base_run !== undefined) continue;
    test(`${folder}/${run.id}: logits, probs and detections from the stored region features match`, () => {
      const features = readRunF32(folder, run, "roi.attnpool");
      const rows = features.length / dim;
      const cos = cosines(unitRows(features, dim), unitRows(embeddings, dim), dim);
      const logits = classLogits([{ cosines: cos, columns: classes }], rows);
      assertClose(logits, readRunF32(folder, run, "head.logits"), { atol: 1e-4 }, "logits");
      const probs = softmaxRows(logits, classes + 1);
      assertClose(probs, readRunF32(folder, run, "head.probs"), { atol: 1e-5 }, "probs");
      assertSameDetections(folder, run, detectionsFrom(folder, run, probs), 1e-5);
    });
  }
}
