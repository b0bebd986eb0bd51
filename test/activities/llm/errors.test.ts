import { describe, expect, it } from 'vitest';
import { parseResetDuration, retryDelayFromHeaders } from '../../../activities/llm/errors';

describe('parseResetDuration', () => {
  it.each([
    ['20ms', 20],
    ['1s', 1000],
    ['1.5s', 1500],
    ['6m0s', 360_000],
    ['1h2m3s', 3_723_000],
  ])('reads %s', (value, expected) => {
    expect(parseResetDuration(value)).toBe(expected);
  });

  it('rejects text that is not a duration', () => {
    expect(parseResetDuration('soon')).toBeUndefined();
    expect(parseResetDuration('5 apples')).toBeUndefined();
  });
});

describe('retryDelayFromHeaders', () => {
  it('prefers retry-after-ms', () => {
    expect(retryDelayFromHeaders(new Headers({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1500);
  });

  it('reads retry-after in seconds', () => {
    expect(retryDelayFromHeaders(new Headers({ 'retry-after': '3' }))).toBe(3000);
  });

  it('reads retry-after as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryDelayFromHeaders(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now)).toBe(5000);
  });

  it('uses the reset of the exhausted budget', () => {
    const headers = new Headers({
      'x-ratelimit-remaining-requests': '10',
      'x-ratelimit-reset-requests': '1s',
      'x-ratelimit-remaining-tokens': '0',
      'x-ratelimit-reset-tokens': '6m0s',
    });
    expect(retryDelayFromHeaders(headers)).toBe(360_000);
  });

  it('returns undefined without rate-limit headers', () => {
    expect(retryDelayFromHeaders(new Headers())).toBeUndefined();
  });
});
