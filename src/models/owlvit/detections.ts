/**
 * The per-image model output that post-processing reads: one logit per (patch, query) and one normalised
 * (cx, cy, w, h) box per patch, plus the box conversion to source pixels that both output modes share.
 */
import type { BoxXyxy } from "../../grit/box.js";
import type { Size } from "../../vision/image.js";

export interface OwlVitDetections {
  readonly patches: number;
  readonly queries: number;
  /** [patches, queries], row-major (HF `outputs.logits[0]`). */
  readonly logits: Float32Array;
  /** [patches, 4] normalised (cx, cy, w, h) (HF `outputs.pred_boxes[0]`). */
  readonly predBoxes: Float32Array;
}

/**
 * The detections of query `q` alone, as if the model had been asked only that query (logits are per (patch,
 * query), so this is exact). Post-processing one query at a time keeps results independent of which other
 * queries share the image.
 */
export function detectionsForQuery(detections: OwlVitDetections, q: number): OwlVitDetections {
  const { patches, queries, logits, predBoxes } = detections;
  const column = new Float32Array(patches);
  for (let p = 0; p < patches; p++) column[p] = logits[p * queries + q];
  return { patches, queries: 1, logits: column, predBoxes };
}

/**
 * Patch `p`'s box as `center_to_corners_format` × [W, H, W, H] in float32, as upstream computes it (not clipped).
 * @example patchBoxXyxy(boxes, 0, { width: 600, height: 400 }) // [x1, y1, x2, y2] in source pixels
 */
export function patchBoxXyxy(predBoxes: Float32Array, p: number, size: Size): BoxXyxy {
  const fr = Math.fround;
  const cx = predBoxes[p * 4];
  const cy = predBoxes[p * 4 + 1];
  const hw = fr(0.5 * predBoxes[p * 4 + 2]);
  const hh = fr(0.5 * predBoxes[p * 4 + 3]);
  return [
    fr(fr(cx - hw) * size.width),
    fr(fr(cy - hh) * size.height),
    fr(fr(cx + hw) * size.width),
    fr(fr(cy + hh) * size.height),
  ];
}

/** `torch.sigmoid` of a float32 logit, rounded to float32. */
export function sigmoidF32(x: number): number {
  return Math.fround(1 / (1 + Math.exp(-x)));
}
