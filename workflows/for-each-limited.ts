// Bounded fan-out for workflow code: plain promises, so it stays deterministic under replay.

/** Runs `work` over items 0..count-1 with at most `limit` in flight, in index order. */
export async function forEachLimited(count: number, limit: number, work: (item: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const item = next;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, count)) }, lane));
}
