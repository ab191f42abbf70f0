/**
 * The mini set's randomness: a 32-bit seed → a stream of integers that is the same on every machine
 * (splitmix32 on Math.imul and unsigned shifts; no floating point, so no platform can round differently).
 */
import { invalidOption } from "../errors.js";

/** A small seeded integer PRNG. Every method draws from the same stream, in call order. */
export class SeededRandom {
  private state: number;

  /** @throws GritlocError E_INVALID_OPTION unless `seed` is an integer in [0, 2^32). */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw invalidOption("seed", "an integer from 0 to 4294967295", seed);
    }
    this.state = seed >>> 0;
  }

  /** A stream derived from `seed` and a label number, independent of every other label's stream. */
  static derive(seed: number, label: number): SeededRandom {
    const mixed = new SeededRandom(seed);
    mixed.state = (mixed.state ^ Math.imul(label + 1, 0x9e3779b9)) >>> 0;
    mixed.nextUint32();
    return mixed;
  }

  /** The next value in [0, 2^32). */
  nextUint32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  }

  /** An integer in [min, max] (inclusive); `max - min` must be below 2^16 so the modulo bias stays tiny. */
  int(min: number, max: number): number {
    return min + ((this.nextUint32() >>> 8) % (max - min + 1));
  }

  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }
}
