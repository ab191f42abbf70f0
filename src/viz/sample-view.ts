/**
 * What a box picture shows for one sample: the decoded image, the query, the predicted boxes with their
 * confidence and the ground-truth boxes (camelCase; the GRIT wire format is parsed in `src/grit/`).
 */
import { invalidOption } from "../errors.js";
import type { BoxXyxy } from "../grit/box.js";
import { type RgbImage, validateRgbImage } from "../vision/image.js";

/** One prediction: boxes in source-image pixels and the sample's confidence in [0, 1]. */
export interface BoxPrediction {
  readonly bboxes: readonly BoxXyxy[];
  readonly confidence: number;
}

export interface SampleView {
  readonly image: RgbImage;
  /** The query, e.g. "baking dish"; titles the panel and labels the predicted box. */
  readonly query: string;
  /** Red boxes; absent when the sample has no prediction (the panel says so). */
  readonly predicted?: BoxPrediction;
  /** Blue boxes; absent when ground truth is unknown (public GRIT files have none). */
  readonly groundTruth?: readonly BoxXyxy[];
  /** The per-sample GRIT score (`locMetric`, 0–1), shown under the title when given. */
  readonly score?: number;
  /** Shown under the title, e.g. the example id. */
  readonly caption?: string;
}

function checkBoxes(boxes: unknown, name: string): void {
  if (!Array.isArray(boxes)) throw invalidOption(name, "a list of boxes [x1, y1, x2, y2]", boxes);
  for (let i = 0; i < boxes.length; i++) {
    const b = boxes[i] as unknown;
    if (!Array.isArray(b) || b.length !== 4 || !b.every((v) => typeof v === "number" && Number.isFinite(v))) {
      throw invalidOption(`${name}[${i}]`, "a box [x1, y1, x2, y2] of 4 finite numbers", b);
    }
  }
}

/** Checks a prediction; `name` prefixes the field in messages. */
export function checkPrediction(prediction: BoxPrediction, name: string): void {
  if (typeof prediction !== "object" || prediction === null) {
    throw invalidOption(name, "{ bboxes, confidence }", prediction);
  }
  checkBoxes(prediction.bboxes, `${name}.bboxes`);
  const c = prediction.confidence;
  if (typeof c !== "number" || !(c >= 0 && c <= 1)) {
    throw invalidOption(`${name}.confidence`, "a number from 0 to 1", c);
  }
}

/** Checks one view at the boundary of every figure builder; `name` is e.g. "samples[3]". */
export function checkSampleView(view: SampleView, name: string): void {
  if (typeof view !== "object" || view === null) throw invalidOption(name, "a SampleView", view);
  validateRgbImage(view.image, `${name}.image`);
  if (typeof view.query !== "string") throw invalidOption(`${name}.query`, "a string", view.query);
  if (view.predicted !== undefined) checkPrediction(view.predicted, `${name}.predicted`);
  if (view.groundTruth !== undefined) checkBoxes(view.groundTruth, `${name}.groundTruth`);
  if (view.score !== undefined && !(view.score >= 0 && view.score <= 1)) {
    throw invalidOption(`${name}.score`, "a number from 0 to 1", view.score);
  }
}
