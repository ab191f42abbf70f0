/**
 * gritloc's seeded uniform generator: a seed → floats in [0, 1), made of 32-bit integer operations only
 * (mulberry32), so the same seed gives bit-identical numbers on every machine and Node version (no Math.random,
 * no transcendental functions). Random smoke weights and the samples a picture shows are drawn from it.
 */

/**
 * Returns a function producing uniform floats in [0, 1) from `seed` (taken as an unsigned 32-bit integer).
 * @example
 * const next = seededUniform(42);
 * next(); // the same value on every machine
 */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
