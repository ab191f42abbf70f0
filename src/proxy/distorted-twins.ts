/**
 * Distorted twins of the proxy's COCO samples: drawn samples → about `fraction` of them, at most one per image,
 * each given a corruption kind (the kinds take turns in a seeded order) and its own seed; then the twin image
 * files written beside the originals (`<stem>_dist.png|.jpg`). Boxes stay those of the undistorted sample.
 */
import { join } from "node:path";
import { writeFileAtomic } from "../atomic-file.js";
import { decodeImage } from "../vision/decode.js";
import { CORRUPTION_KINDS, type CorruptionKind, corruptImage, corruptionExtension } from "./corruptions.js";
import { compare } from "./draw-pairs.js";
import type { ProxyPairSample } from "./proxy-source.js";
import { labelledUniform, shuffleInPlace, subSeed } from "./seeded-shuffle.js";

export interface DistortedTwin {
  /** `<undistorted example id>_dist`. */
  readonly exampleId: string;
  readonly original: ProxyPairSample;
  /** e.g. "coco/val2017/000000000139_dist.png". */
  readonly imageId: string;
  readonly kind: CorruptionKind;
  /** Seed of this twin's corruption (used by gaussian_noise). */
  readonly seed: number;
}

/**
 * Picks the twins (see the file header); they come back sorted by example id.
 * @example
 * const twins = pickDistortedTwins(cocoSamples, 0.1, 0);
 */
export function pickDistortedTwins(
  samples: readonly ProxyPairSample[],
  fraction: number,
  seed: number,
): DistortedTwin[] {
  const next = labelledUniform(seed, "coco/distorted");
  const wanted = Math.round(samples.length * fraction);
  const order = shuffleInPlace(
    [...samples].sort((a, b) => compare(a.exampleId, b.exampleId)),
    next,
  );
  const usedImages = new Set<string>();
  const chosen: ProxyPairSample[] = [];
  for (const s of order) {
    if (chosen.length >= wanted) break;
    if (usedImages.has(s.imageId)) continue;
    usedImages.add(s.imageId);
    chosen.push(s);
  }
  return chosen
    .map((original, k) => {
      const kind = CORRUPTION_KINDS[k % CORRUPTION_KINDS.length] as CorruptionKind;
      const exampleId = `${original.exampleId}_dist`;
      const stem = original.imageId.replace(/\.[^./]*$/, "");
      return {
        exampleId,
        original,
        imageId: `${stem}_dist${corruptionExtension(kind)}`,
        kind,
        seed: subSeed(seed, exampleId),
      };
    })
    .sort((a, b) => compare(a.exampleId, b.exampleId));
}

/** Writes one twin's image from its (present) original under `imagesDir`. */
export async function writeDistortedTwin(imagesDir: string, twin: DistortedTwin): Promise<void> {
  const image = await decodeImage(join(imagesDir, twin.original.imageId));
  await writeFileAtomic(join(imagesDir, twin.imageId), await corruptImage(image, twin.kind, twin.seed));
}
