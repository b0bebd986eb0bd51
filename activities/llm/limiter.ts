// Per-model concurrency, requests-per-minute and tokens-per-minute limits, shared by every
// activity in one worker process (module state), plus the pause a 429's Retry-After imposes.
// Requests are paced evenly at the budget's rate, and a sliding 60-second window of admissions
// (how the OpenAI stub enforces budgets) guarantees no minute ever exceeds it. Pacing keeps a
// queue of requests from spending a whole minute's budget in the first seconds.
import type { RateLimits } from '../../schemas/llm';

const windowMs = 60_000;
/** Slack for the time between admission here and arrival at the server. */
const arrivalSlackMs = 100;
/**
 * Time a paced request may go before its turn. Timers fire late on a busy event loop, and
 * without this tolerance every late wake-up would be lost from the rate for good.
 */
const pacingToleranceMs = 250;

interface Waiter {
  tokens: number;
  grant: () => void;
}

export class ModelLimiter {
  private inFlight = 0;
  private pausedUntilMs = 0;
  private nextPacedAtMs = 0;
  private readonly admissions: Array<{ atMs: number; tokens: number }> = [];
  private readonly waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private limits: RateLimits) {}

  setLimits(limits: RateLimits): void {
    this.limits = limits;
    this.pump();
  }

  /** Waits for a slot within every budget; call the returned function when the request ends. */
  async acquire(tokens: number): Promise<() => void> {
    await new Promise<void>((resolve) => {
      this.waiters.push({ tokens, grant: resolve });
      this.pump();
    });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= 1;
      this.pump();
    };
  }

  /** Holds every request to this model until `untilMs`, as a 429's Retry-After requests. */
  pauseUntil(untilMs: number): void {
    this.pausedUntilMs = Math.max(this.pausedUntilMs, untilMs);
    this.pump();
  }

  get pendingRequests(): number {
    return this.waiters.length;
  }

  private pump(): void {
    const now = Date.now();
    while (this.admissions.length > 0 && this.admissions[0]!.atMs <= now - windowMs - arrivalSlackMs) this.admissions.shift();

    while (this.waiters.length > 0) {
      const waitMs = this.waitBeforeAdmitting(this.waiters[0]!.tokens, now);
      if (waitMs === 0) {
        const waiter = this.waiters.shift()!;
        this.inFlight += 1;
        this.admissions.push({ atMs: now, tokens: waiter.tokens });
        this.nextPacedAtMs = Math.max(now, this.nextPacedAtMs) + this.spacingMs(waiter.tokens);
        waiter.grant();
        continue;
      }
      // A concurrency wait ends when a request releases its slot, which calls pump itself.
      if (Number.isFinite(waitMs)) this.wakeAfter(waitMs);
      return;
    }
  }

  /** Milliseconds until a request of `tokens` fits every budget: 0 now, Infinity until a slot frees. */
  private waitBeforeAdmitting(tokens: number, now: number): number {
    if (now < this.pausedUntilMs) return this.pausedUntilMs - now;
    if (this.inFlight >= this.limits.concurrency) return Infinity;

    let waitMs = Math.max(0, this.nextPacedAtMs - pacingToleranceMs - now);
    const { requestsPerMinute, tokensPerMinute } = this.limits;
    if (requestsPerMinute !== undefined && this.admissions.length >= requestsPerMinute) {
      const oldestThatMustLeave = this.admissions[this.admissions.length - requestsPerMinute]!;
      waitMs = Math.max(waitMs, oldestThatMustLeave.atMs + windowMs + arrivalSlackMs - now);
    }
    if (tokensPerMinute !== undefined) {
      let used = this.admissions.reduce((sum, admission) => sum + admission.tokens, 0);
      for (const admission of this.admissions) {
        if (used + tokens <= tokensPerMinute) break;
        used -= admission.tokens;
        waitMs = Math.max(waitMs, admission.atMs + windowMs + arrivalSlackMs - now);
      }
    }
    return Math.max(0, waitMs);
  }

  /** Time a request of `tokens` uses of the budgets at their steady rate. */
  private spacingMs(tokens: number): number {
    const { requestsPerMinute, tokensPerMinute } = this.limits;
    const byRequests = requestsPerMinute !== undefined ? windowMs / requestsPerMinute : 0;
    const byTokens = tokensPerMinute !== undefined ? (tokens * windowMs) / tokensPerMinute : 0;
    return Math.max(byRequests, byTokens);
  }

  private wakeAfter(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, Math.max(1, ms));
  }
}

const limiters = new Map<string, ModelLimiter>();

/** Returns the limiter of one model at one endpoint in this worker process, updated to the latest limits. */
export function limiterFor(baseURL: string, model: string, limits: RateLimits): ModelLimiter {
  const key = `${baseURL}\u0000${model}`;
  let limiter = limiters.get(key);
  if (!limiter) {
    limiter = new ModelLimiter(limits);
    limiters.set(key, limiter);
  } else {
    limiter.setLimits(limits);
  }
  return limiter;
}
