// Turns a failed model call into the Temporal failure that retries it the right way. Retrying
// is decided here, where the error is caught. A 429 waits for the server's reset time, 5xx and
// transport faults retry with the policy's backoff, and request or configuration errors never retry.
import { ApplicationFailure } from '@temporalio/common';
import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';

export interface CallContext {
  role: string;
  model: string;
  baseURL: string;
  requestId: string;
  /** The API key in use, so it can be removed from every message built here. */
  apiKey?: string;
}

/**
 * Removes the API key, and anything shaped like an OpenAI key (`sk-...`), from a message that
 * goes into Temporal history. Some endpoints echo a partly masked key in their 401 message.
 */
export function redactSecrets(message: string, apiKey?: string): string {
  let redacted = apiKey && apiKey.length >= 8 ? message.split(apiKey).join('[redacted key]') : message;
  redacted = redacted.replace(/\bsk-[A-Za-z0-9_*.-]{3,}/g, 'sk-[redacted]');
  return redacted;
}

/** Failure types that concern one request, so a shard records them and goes on. */
export const requestScopedFailureTypes = new Set(['LlmBadRequest', 'LlmContentFiltered']);

export function describeCall(context: CallContext): string {
  return `${context.role} call to model ${context.model} at ${context.baseURL} for request ${context.requestId}`;
}

/** Maps an error from the `openai` client to an ApplicationFailure; `retryDelayMs` is set for 429s. */
export function toCallFailure(error: unknown, context: CallContext): { failure: ApplicationFailure; retryDelayMs?: number } {
  const { failure, retryDelayMs } = classifyCallError(error, context);
  const message = redactSecrets(failure.message, context.apiKey);
  if (message === failure.message) return { failure, retryDelayMs };
  const redacted = ApplicationFailure.create({ message, type: failure.type ?? undefined, nonRetryable: failure.nonRetryable ?? false, nextRetryDelay: failure.nextRetryDelay ?? undefined });
  return { failure: redacted, retryDelayMs };
}

function classifyCallError(error: unknown, context: CallContext): { failure: ApplicationFailure; retryDelayMs?: number } {
  const subject = describeCall(context);

  if (error instanceof APIConnectionTimeoutError) {
    return { failure: ApplicationFailure.retryable(`${subject} timed out`, 'LlmTimeout') };
  }
  if (error instanceof APIConnectionError) {
    return { failure: ApplicationFailure.retryable(`${subject} failed: connection error (${causeMessage(error)})`, 'LlmConnectionFailed') };
  }
  if (error instanceof APIError && error.status !== undefined) {
    return fromStatus(error, subject);
  }
  if (error instanceof SyntaxError) {
    // The client could not parse the HTTP body: a reply cut off in transit, worth another try.
    return { failure: ApplicationFailure.retryable(`${subject} returned a malformed response body: ${error.message}`, 'LlmMalformedResponse') };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { failure: ApplicationFailure.retryable(`${subject} failed: ${message}`, 'LlmCallFailed') };
}

function fromStatus(error: APIError, subject: string): { failure: ApplicationFailure; retryDelayMs?: number } {
  const status = error.status!;
  const detail = `HTTP ${status}: ${error.error && typeof error.error === 'object' && 'message' in error.error ? String(error.error.message) : error.message}`;

  if (status === 429) {
    if (error.code === 'insufficient_quota') {
      return { failure: ApplicationFailure.nonRetryable(`${subject} was rejected because the account has no quota left (${detail}): add credit or change the endpoint.`, 'LlmQuotaExhausted') };
    }
    const retryDelayMs = retryDelayFromHeaders(error.headers);
    const failure = ApplicationFailure.create({
      message: `${subject} was rate limited (${detail})${retryDelayMs !== undefined ? `; retrying after ${retryDelayMs} ms` : ''}`,
      type: 'LlmRateLimited',
      nonRetryable: false,
      nextRetryDelay: retryDelayMs,
    });
    return { failure, retryDelayMs };
  }
  if (status >= 500 || status === 408 || status === 409) {
    return { failure: ApplicationFailure.retryable(`${subject} failed with a server error (${detail})`, 'LlmServerError') };
  }
  if (status === 401 || status === 403) {
    return { failure: ApplicationFailure.nonRetryable(`${subject} was rejected as unauthorized (${detail}): check the API key variable named in the role config.`, 'LlmUnauthorized') };
  }
  if (status === 404) {
    return { failure: ApplicationFailure.nonRetryable(`${subject} failed: model or route not found (${detail}): check baseURL and model in the role config.`, 'LlmNotFound') };
  }
  return { failure: ApplicationFailure.nonRetryable(`${subject} was rejected as invalid (${detail})`, 'LlmBadRequest') };
}

/**
 * Reads how long to wait from a 429's headers: `retry-after-ms`, then `retry-after` (seconds or
 * an HTTP date), then the larger `x-ratelimit-reset-*` of the budgets that are used up.
 */
export function retryDelayFromHeaders(headers: Headers | undefined, nowMs = Date.now()): number | undefined {
  if (!headers) return undefined;

  const retryAfterMs = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') !== null && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) return Math.ceil(retryAfterMs);

  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
    const dateMs = Date.parse(retryAfter);
    if (Number.isFinite(dateMs)) return Math.max(0, dateMs - nowMs);
  }

  const resets: number[] = [];
  for (const budget of ['requests', 'tokens']) {
    const reset = parseResetDuration(headers.get(`x-ratelimit-reset-${budget}`));
    const remaining = headers.get(`x-ratelimit-remaining-${budget}`);
    if (reset !== undefined && (remaining === null || Number(remaining) <= 0)) resets.push(reset);
  }
  return resets.length > 0 ? Math.max(...resets) : undefined;
}

/** Parses OpenAI's reset durations such as `20ms`, `1.5s`, `6m0s` or `1h2m3s` into milliseconds. */
export function parseResetDuration(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let total = 0;
  let matched = '';
  for (const part of value.trim().matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    total += Number(part[1]) * units[part[2]!]!;
    matched += part[0];
  }
  return matched === value.trim() ? Math.ceil(total) : undefined;
}

function causeMessage(error: Error): string {
  const cause = (error as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : error.message;
}
