/**
 * Test and bench support: the real peer submission's ids (fixture peer/) → a synthetic newSrc-only ground
 * truth in GRIT's hidden record format, as a rebuilt one would look: Open Images and NYUv2 samples only (the
 * source read from the id), the predicted box jittered or replaced, ~15% negatives, ~40% new concepts; all drawn
 * from a seeded generator, so the same file every time.
 */
import type { BoxXyxy } from "../../src/grit/box.js";
import type { GritSample } from "../../src/grit/samples.js";
import type { SubmissionEntry } from "../../src/grit/submission.js";
import { seededUniform } from "../../src/seeded-uniform.js";

/** The GRIT source an example id names (`open_images_loc_...`, `nyuv2_loc_...`, `coco_loc_...`). */
export function sourceOfId(exampleId: string): "open_images_loc" | "nyuv2_loc" | "coco_loc" | null {
  for (const source of ["open_images_loc", "nyuv2_loc", "coco_loc"] as const) {
    if (exampleId.startsWith(`${source}_`)) return source;
  }
  return null;
}

/** One ground-truth sample per Open Images / NYUv2 prediction; COCO ids are left out (they cannot be rebuilt). */
export function peerNewSrcGroundTruth(entries: readonly SubmissionEntry[], seed = 13): GritSample[] {
  const next = seededUniform(seed);
  const samples: GritSample[] = [];
  for (const entry of entries) {
    const source = sourceOfId(entry.exampleId);
    if (source !== "open_images_loc" && source !== "nyuv2_loc") continue;
    const u = next();
    const bboxes: BoxXyxy[] =
      u < 0.15
        ? []
        : entry.bboxes.map(([x1, y1, x2, y2]) => {
            const w = Math.max(1, x2 - x1);
            const h = Math.max(1, y2 - y1);
            // Sometimes beside the prediction (IoU 0), mostly a jittered copy of it (integer pixels, as GRIT's).
            if (u > 0.85) return [x2 + 5, y1, x2 + 5 + w, y1 + h].map(Math.round) as unknown as BoxXyxy;
            const d = (size: number) => (next() - 0.5) * 0.4 * size;
            const nx1 = Math.round(x1 + d(w));
            const ny1 = Math.round(y1 + d(h));
            return [
              nx1,
              ny1,
              Math.max(nx1 + 1, Math.round(x2 + d(w))),
              Math.max(ny1 + 1, Math.round(y2 + d(h))),
            ];
          });
    const isNew = next() < 0.4;
    samples.push({
      exampleId: entry.exampleId,
      imageId: `${source}/${entry.exampleId}.jpg`,
      taskName: "localization",
      taskQuery: isNew ? "new thing" : "thing",
      taskBbox: null,
      outputOptions: null,
      groundTruth: { bboxes },
      meta: {
        dataSource: source,
        imageSize: source === "nyuv2_loc" ? { width: 640, height: 480 } : null,
        isNewSource: true,
        hasNewConcept: isNew,
        isDistorted: false,
        distortion: null,
        concepts: [{ lemma: isNew ? "new thing" : "thing", synset: null }],
      },
    });
  }
  return samples;
}
