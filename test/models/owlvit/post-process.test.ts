import assert from "node:assert/strict";
import { test } from "node:test";
import type { OwlVitDetections } from "../../../src/models/owlvit/detections.js";
import { gritPostProcess } from "../../../src/models/owlvit/grit-post-process.js";
import { nonMaxSuppression } from "../../../src/models/owlvit/non-max-suppression.js";
import { OWLVIT_DEFAULTS } from "../../../src/models/owlvit/options.js";
import { postProcessObjectDetection } from "../../../src/models/owlvit/post-process-object-detection.js";
import { assertClose } from "../../support/assert-close.js";
import { owlVitCases, owlVitFixtureFolders, readF32, readI32 } from "./support/owlvit-fixture.js";

for (const folder of owlVitFixtureFolders()) {
  test(`${folder}: hf post-processing of the reference logits/boxes gives the reference kept set`, () => {
    const cases = owlVitCases(folder);
    const logits = readF32(folder, "logits.f32");
    const detections: OwlVitDetections = {
      patches: cases.num_patches,
      queries: cases.queries.length,
      logits,
      predBoxes: readF32(folder, "pred_boxes.f32"),
    };
    const [height, width] = cases.target_sizes_hw;
    const result = postProcessObjectDetection(detections, cases.post_process.threshold, { width, height });
    // Kept patches and labels: exact. Scores: 1e-5. Boxes: 1e-2 px (fixture README tolerances).
    assert.deepEqual(result.patchIndices, [...readI32(folder, "post_patch_index.i32")]);
    assert.deepEqual(result.labels, [...readI32(folder, "post_labels.i32")]);
    assertClose(result.scores, readF32(folder, "post_scores.f32"), { atol: 1e-5 }, "scores");
    assertClose(result.boxes.flat(), readF32(folder, "post_boxes.f32"), { atol: 1e-2 }, "boxes");
    assert.equal(result.patchIndices.length, cases.post_process.num_kept);
  });
}

/** A 2×2-patch image, one query per column of `logits`, boxes in normalised cxcywh. */
function detections(logits: number[][], boxes: number[][]): OwlVitDetections {
  return {
    patches: boxes.length,
    queries: logits[0].length,
    logits: Float32Array.from(logits.flat()),
    predBoxes: Float32Array.from(boxes.flat()),
  };
}
const logit = (p: number) => Math.log(p / (1 - p));
const size = { width: 100, height: 200 };
const grit = { ...OWLVIT_DEFAULTS };

test("hf: the threshold is strict, labels are the argmax query, boxes are unclipped xyxy × [W, H, W, H]", () => {
  const d = detections(
    [
      [logit(0.1), logit(0.05)], // exactly at the threshold in float32: dropped
      [logit(0.2), logit(0.6)],
      [logit(0.5), logit(0.3)],
    ],
    [
      [0.5, 0.5, 0.2, 0.2],
      [0.5, 0.5, 0.4, 0.2],
      [0.05, 0.5, 0.2, 0.2],
    ],
  );
  const r = postProcessObjectDetection(d, 0.1, size);
  assert.deepEqual(r.patchIndices, [1, 2]);
  assert.deepEqual(r.labels, [1, 0]);
  assertClose(r.scores, [0.6, 0.5], { atol: 1e-6 });
  assertClose(r.boxes.flat(), [30, 80, 70, 120, -5, 80, 15, 120], { atol: 1e-4 }, "boxes");
});

test("grit: only scores strictly above scoreThreshold are kept, best first", () => {
  const d = detections(
    [[logit(0.3)], [logit(0.1)], [logit(0.8)]],
    [
      [0.2, 0.2, 0.1, 0.1],
      [0.5, 0.5, 0.1, 0.1],
      [0.8, 0.8, 0.1, 0.1],
    ],
  );
  const r = gritPostProcess(d, 0, size, grit);
  assertClose(r.scores, [0.8, 0.3], { atol: 1e-6 });
  assertClose(r.boxes.flat(), [75, 150, 85, 170, 15, 30, 25, 50], { atol: 1e-4 }, "boxes");
  assert.ok(Math.abs(r.confidence - (0.8 + 0.3) / 2) < 1e-6, "confidence = mean kept score");
});

test("grit: NMS suppresses a lower-scored box whose IoU with a kept box exceeds nmsIouThreshold", () => {
  const d = detections(
    [[logit(0.9)], [logit(0.7)], [logit(0.6)]],
    [
      [0.5, 0.5, 0.4, 0.4], // kept
      [0.52, 0.5, 0.4, 0.4], // IoU ≈ 0.9 with the first: suppressed
      [0.7, 0.5, 0.4, 0.4], // IoU 1/3 with the first: kept when the threshold is 0.5
    ],
  );
  assertClose(gritPostProcess(d, 0, size, { ...grit, nmsIouThreshold: 0.5 }).scores, [0.9, 0.6], {
    atol: 1e-6,
  });
  const strict = gritPostProcess(d, 0, size, { ...grit, nmsIouThreshold: 0.3 });
  assertClose(strict.scores, [0.9], { atol: 1e-6 }, "IoU 1/3 > 0.3 suppresses the third box too");
});

test("grit: at most maxBoxes boxes, the best ones", () => {
  const scores = [0.2, 0.9, 0.4, 0.7, 0.5];
  const d = detections(
    scores.map((s) => [logit(s)]),
    scores.map((_, i) => [0.1 + 0.2 * i, 0.5, 0.1, 0.1]), // disjoint boxes
  );
  const r = gritPostProcess(d, 0, size, { ...grit, maxBoxes: 3 });
  assertClose(r.scores, [0.9, 0.7, 0.5], { atol: 1e-6 });
  assert.ok(Math.abs(r.confidence - 0.7) < 1e-6);
});

test("grit: with nothing above the threshold the best box is returned alone, or none when fallbackToBest is off", () => {
  const d = detections(
    [[logit(0.05)], [logit(0.08)]],
    [
      [0.3, 0.3, 0.2, 0.2],
      [0.6, 0.6, 0.2, 0.2],
    ],
  );
  const fallback = gritPostProcess(d, 0, size, grit);
  assertClose(fallback.scores, [0.08], { atol: 1e-6 });
  assert.ok(Math.abs(fallback.confidence - 0.08) < 1e-6);
  const none = gritPostProcess(d, 0, size, { ...grit, fallbackToBest: false });
  assert.deepEqual(none.boxes, []);
  assert.ok(Math.abs(none.confidence - (1 - 0.08)) < 1e-6, "empty prediction: confidence = 1 − best score");
});

test("grit: boxes are clipped to the image and boxes entirely outside it are dropped", () => {
  const d = detections(
    [[logit(0.9)], [logit(0.6)]],
    [
      [1.5, 0.5, 0.2, 0.2], // entirely right of the image
      [0.95, 0.0, 0.2, 0.2], // sticks out right and top
    ],
  );
  const r = gritPostProcess(d, 0, size, grit);
  assertClose(r.boxes.flat(), [85, 0, 100, 20], { atol: 1e-4 }, "clipped box");
  assertClose(r.scores, [0.6], { atol: 1e-6 });
});

test("grit: each query is post-processed on its own column of logits", () => {
  const d = detections(
    [
      [logit(0.9), logit(0.05)],
      [logit(0.05), logit(0.7)],
    ],
    [
      [0.25, 0.25, 0.1, 0.1],
      [0.75, 0.75, 0.1, 0.1],
    ],
  );
  assertClose(gritPostProcess(d, 0, size, grit).boxes.flat(), [20, 40, 30, 60], { atol: 1e-4 });
  assertClose(gritPostProcess(d, 1, size, grit).boxes.flat(), [70, 140, 80, 160], { atol: 1e-4 });
});

test("nonMaxSuppression keeps boxes in the given order and stops at maxKeep", () => {
  const boxes = [
    [0, 0, 10, 10],
    [1, 1, 10, 10],
    [20, 20, 30, 30],
    [40, 40, 50, 50],
  ] as const;
  assert.deepEqual(nonMaxSuppression(boxes, [0, 1, 2, 3], 0.5, 10), [0, 2, 3]);
  assert.deepEqual(nonMaxSuppression(boxes, [1, 0, 3, 2], 0.5, 2), [1, 3]);
});
