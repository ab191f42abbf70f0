/**
 * A bounded map from query text to its embedding, so repeated queries (GRIT reuses category names across
 * thousands of samples) run the text graph once. Oldest entries go first when full.
 */

export class QueryCache {
  readonly #entries = new Map<string, Float32Array>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get(query: string): Float32Array | undefined {
    const hit = this.#entries.get(query);
    if (hit !== undefined) {
      // Re-insert so the entry counts as recently used.
      this.#entries.delete(query);
      this.#entries.set(query, hit);
    }
    return hit;
  }

  set(query: string, embedding: Float32Array): void {
    this.#entries.delete(query);
    this.#entries.set(query, embedding);
    if (this.#entries.size > this.#capacity)
      this.#entries.delete(this.#entries.keys().next().value as string);
  }

  get size(): number {
    return this.#entries.size;
  }
}
