/**
 * The `hf` output mode: `OwlViTImageProcessor.post_process_object_detection` (image_processing_owlvit.py) for one
 * image. OwlVitDetections + threshold + source size → kept patches in ascending patch order with score, label
 * (query index) and box; no sorting, no NMS, boxes not clipped.
 */
import type { BoxXyxy } from "../../grit/box.js";
import type { Size } from "../../vision/image.js";
import { type OwlVitDetections, patchBoxXyxy, sigmoidF32 } from "./detections.js";

export interface ObjectDetectionResult {
  /** Kept patch indices p = row * G + col, ascending. */
  readonly patchIndices: readonly number[];
  readonly scores: readonly number[];
  /** Index of the query with the highest logit at the patch (`argmax`, first on ties). */
  readonly labels: readonly number[];
  readonly boxes: readonly BoxXyxy[];
}

/**
 * `scores = sigmoid(max_q logits)`, `labels = argmax_q logits`, boxes = cxcywh → xyxy × [W, H, W, H], keep
 * `scores > threshold` (strict; float32 comparison as torch does).
 * @example postProcessObjectDetection(detections, 0.1, { width: 600, height: 400 }).labels // [2, 0, 2, ...]
 */
export function postProcessObjectDetection(
  detections: OwlVitDetections,
  threshold: number,
  targetSize: Size,
): ObjectDetectionResult {
  const { patches, queries, logits, predBoxes } = detections;
  const limit = Math.fround(threshold);
  const patchIndices: number[] = [];
  const scores: number[] = [];
  const labels: number[] = [];
  const boxes: BoxXyxy[] = [];
  for (let p = 0; p < patches; p++) {
    let best = 0;
    for (let q = 1; q < queries; q++) if (logits[p * queries + q] > logits[p * queries + best]) best = q;
    const score = sigmoidF32(logits[p * queries + best]);
    if (!(score > limit)) continue;
    patchIndices.push(p);
    scores.push(score);
    labels.push(best);
    boxes.push(patchBoxXyxy(predBoxes, p, targetSize));
  }
  return { patchIndices, scores, labels, boxes };
}
