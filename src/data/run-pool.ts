/**
 * Bounded concurrency: items → `worker(item)` with at most `concurrency` running at once. Workers handle
 * their own errors (an item's failure is data for the report); an abort stops handing out new items.
 */

/** Runs `worker` over `items`, `concurrency` at a time; resolves when all have finished. */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      signal?.throwIfAborted();
      const index = next++;
      await worker(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
}
