// Runs work over many items with a bound on how many run at once, so a fleet of thousands of
// nodes is probed without thousands of calls in flight.

/** Calls `fn` for every item, at most `limit` at a time; resolves when all have settled. */
export async function eachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
