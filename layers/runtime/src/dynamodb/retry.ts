/**
 * Waits a random time in `[0, min(capMs, baseMs * 2^attempt))`: "full jitter" exponential backoff
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
 * @param attempt - 0 for the first retry
 * @param options - `baseMs` (default 20) and `capMs` (default 1,000)
 */
export function backoff(attempt: number, options: { baseMs?: number; capMs?: number } = {}): Promise<void> {
  const { baseMs = 20, capMs = 1000 } = options;
  const delay = Math.random() * Math.min(capMs, baseMs * 2 ** attempt);
  return new Promise((done) => setTimeout(done, delay));
}

/**
 * Runs `fn` over `items` with at most `limit` calls in flight.
 * @returns the results in input order
 * @throws the first error `fn` throws (calls already started run to their end)
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  });
  await Promise.all(workers);
  return results;
}
