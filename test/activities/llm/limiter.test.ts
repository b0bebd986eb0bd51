import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ModelLimiter } from '../../../activities/llm/limiter';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});

afterEach(() => {
  vi.useRealTimers();
});

/** Starts `count` acquisitions and records the fake-clock time each is granted. */
function acquireMany(limiter: ModelLimiter, count: number, tokens = 1): number[] {
  const grantedAt: number[] = [];
  for (let index = 0; index < count; index += 1) {
    void limiter.acquire(tokens).then((release) => {
      grantedAt.push(Date.now());
      release();
    });
  }
  return grantedAt;
}

describe('ModelLimiter', () => {
  it('paces requests at the per-minute rate', async () => {
    const limiter = new ModelLimiter({ concurrency: 10, requestsPerMinute: 60 });

    const grantedAt = acquireMany(limiter, 3);
    await vi.advanceTimersByTimeAsync(2500);

    // One request a second, each allowed to go up to 250 ms early.
    expect(grantedAt.map((time) => time - 1_000_000)).toEqual([0, 750, 1750]);
  });

  it('paces by tokens when tokens bind', async () => {
    const limiter = new ModelLimiter({ concurrency: 10, requestsPerMinute: 600, tokensPerMinute: 6000 });

    const grantedAt = acquireMany(limiter, 2, 500);
    await vi.advanceTimersByTimeAsync(6000);

    expect(grantedAt[1]! - grantedAt[0]!).toBe(5000 - 250);
  });

  it('admits no more than the budget in any minute', async () => {
    const limiter = new ModelLimiter({ concurrency: 100, requestsPerMinute: 30 });

    const grantedAt = acquireMany(limiter, 40);
    await vi.advanceTimersByTimeAsync(120_000);

    expect(grantedAt).toHaveLength(40);
    for (const [index, time] of grantedAt.entries()) {
      const inWindow = grantedAt.filter((other) => other > time - 60_000 && other <= time);
      expect(inWindow.length, `admission ${index}`).toBeLessThanOrEqual(30);
    }
  });

  it('holds requests during a pause', async () => {
    const limiter = new ModelLimiter({ concurrency: 4 });
    limiter.pauseUntil(Date.now() + 3000);

    const grantedAt = acquireMany(limiter, 2);
    await vi.advanceTimersByTimeAsync(2999);
    expect(grantedAt).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);

    expect(grantedAt).toHaveLength(2);
  });

  it('waits for a free slot beyond the concurrency limit', async () => {
    const limiter = new ModelLimiter({ concurrency: 1 });
    const first = await limiter.acquire(1);

    let secondGranted = false;
    void limiter.acquire(1).then(() => (secondGranted = true));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(secondGranted).toBe(false);
    first();
    await vi.advanceTimersByTimeAsync(0);

    expect(secondGranted).toBe(true);
  });
});
