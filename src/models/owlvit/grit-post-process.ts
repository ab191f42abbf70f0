/**
 * The `grit` output mode, for one query per GRIT sample: OwlVitDetections + query index + source size →
 * Localization (score threshold, NMS, a cap on the number of boxes, boxes clipped to the image, best first, and
 * one confidence for the whole prediction).
 */
import type { BoxXyxy } from "../../grit/box.js";
import type { Size } from "../../vision/image.js";
import type { Localization } from "../localizer.js";
import { type OwlVitDetections, patchBoxXyxy, sigmoidF32 } from "./detections.js";
import { nonMaxSuppression } from "./non-max-suppression.js";
import type { ResolvedOwlVitOptions } from "./options.js";

export type GritPostProcessOptions = Pick<
  ResolvedOwlVitOptions,
  "scoreThreshold" | "nmsIouThreshold" | "maxBoxes" | "fallbackToBest"
>;

function clipBox(box: BoxXyxy, size: Size): BoxXyxy {
  const clamp = (v: number, hi: number) => Math.min(hi, Math.max(0, v));
  return [
    clamp(box[0], size.width),
    clamp(box[1], size.height),
    clamp(box[2], size.width),
    clamp(box[3], size.height),
  ];
}

/**
 * Boxes for query `query`:
 * 1. score_p = sigmoid(logit[p, query]); candidates are the patches with score > scoreThreshold whose box,
 *    clipped to the image, has a positive area (GRIT gives a zero-area box IoU 0 with anything);
 * 2. greedy NMS in descending score order (ties: lower patch index first), IoU > nmsIouThreshold suppresses;
 * 3. at most maxBoxes boxes; with none left and fallbackToBest, the best-scoring valid box alone.
 *
 * Confidence = the mean of the kept scores. GRIT scores a sample as Σ matched IoU / (#pred + #missed) and its
 * rmse/sa measures reward a confidence close to that score. Reading each sigmoid score as the probability that
 * its box is a correct match, Σ scores is the expected number of matches and #pred = k, so the mean is the
 * expected sample score when no ground-truth box is missed (and IoU ≈ 1). The max would ignore that each extra
 * box lowers the score. With no box at all the score is 1 only when there is nothing to find, so the
 * confidence is then 1 − the best patch score.
 *
 * @example gritPostProcess(detections, 0, { width: 640, height: 480 }, options) // { boxes: [[…]], scores: [0.31], confidence: 0.31 }
 */
export function gritPostProcess(
  detections: OwlVitDetections,
  query: number,
  targetSize: Size,
  options: GritPostProcessOptions,
): Localization {
  const { patches, queries, logits, predBoxes } = detections;
  const limit = Math.fround(options.scoreThreshold);
  const scores = new Float64Array(patches);
  const boxes: BoxXyxy[] = new Array(patches);
  const candidates: number[] = [];
  let best = -1;
  for (let p = 0; p < patches; p++) {
    const score = sigmoidF32(logits[p * queries + query]);
    const box = clipBox(patchBoxXyxy(predBoxes, p, targetSize), targetSize);
    scores[p] = score;
    boxes[p] = box;
    if (!(box[2] > box[0] && box[3] > box[1])) continue;
    if (best < 0 || score > scores[best]) best = p;
    if (score > limit) candidates.push(p);
  }
  candidates.sort((a, b) => scores[b] - scores[a] || a - b);
  let kept = nonMaxSuppression(boxes, candidates, options.nmsIouThreshold, options.maxBoxes);
  if (kept.length === 0 && options.fallbackToBest && best >= 0) kept = [best];
  if (kept.length === 0) {
    let top = 0;
    for (let p = 0; p < patches; p++) top = Math.max(top, scores[p]);
    return { boxes: [], scores: [], confidence: 1 - top };
  }
  const keptScores = kept.map((p) => scores[p]);
  const confidence = keptScores.reduce((a, s) => a + s, 0) / kept.length;
  return { boxes: kept.map((p) => boxes[p]), scores: keptScores, confidence };
}
