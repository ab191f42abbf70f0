/**
 * Which samples a picture shows: a count and a seed → indices chosen uniformly without replacement, the same
 * for the same seed on every machine (mulberry32 + Fisher–Yates), returned in ascending order.
 */
import { invalidOption } from "../errors.js";
import { seededUniform } from "../seeded-uniform.js";

/**
 * Picks `min(n, total)` distinct indices of `0 … total-1`.
 * @throws GritlocError E_INVALID_OPTION for a negative or fractional n or seed.
 * @example
 * pickIndices(21078, 16, 0); // 16 ascending indices, always the same for seed 0
 */
export function pickIndices(total: number, n: number, seed: number): number[] {
  if (!Number.isInteger(n) || n < 1) throw invalidOption("n", "a positive integer", n);
  if (!Number.isInteger(seed) || seed < 0) throw invalidOption("seed", "a non-negative integer", seed);
  const k = Math.min(n, total);
  const order = Array.from({ length: total }, (_, i) => i);
  const random = seededUniform(seed);
  // Partial Fisher–Yates: only the first k places are needed.
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (total - i));
    const tmp = order[i];
    order[i] = order[j];
    order[j] = tmp;
  }
  return order.slice(0, k).sort((a, b) => a - b);
}
