/**
 * Seeded choices for the proxy set: a seed + a label → an independent uniform stream (`seededUniform`), and a
 * Fisher–Yates shuffle on it. Only 32-bit integer hashing and one multiply per draw, so the same seed gives the
 * same order on every machine.
 */
import { seededUniform } from "../seeded-uniform.js";

/** FNV-1a (32-bit) of `text`'s UTF-16 code units. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** A seed for one labelled stream, e.g. `subSeed(7, "coco/positives")`, independent of other labels. */
export function subSeed(seed: number, label: string): number {
  return fnv1a(`${seed >>> 0}:${label}`);
}

/** A uniform [0, 1) stream for `label` under `seed`. */
export function labelledUniform(seed: number, label: string): () => number {
  return seededUniform(subSeed(seed, label));
}

/** Shuffles `items` in place (Fisher–Yates) with `next`; returns it. */
export function shuffleInPlace<T>(items: T[], next: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const t = items[i] as T;
    items[i] = items[j] as T;
    items[j] = t;
  }
  return items;
}
