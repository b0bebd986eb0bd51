// One model request end to end: cache lookup, rate limits, the call, cache write, structured
// output with bounded repair. Every LLM stage goes through `completeRequest`.
import { ApplicationFailure } from '@temporalio/common';
import type OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { z } from 'zod';
import { addUsage, emptyUsage } from '../../schemas/llm';
import type { ChatMessage, LlmConfig, LlmEndpoint, LlmRequest, LlmResult, LlmRole, SamplingParams } from '../../schemas/llm';
import type { Storage } from '../storage';
import { cacheKey, readCachedReply, writeCachedReply } from './cache';
import { clientFor, endpointFor } from './endpoint';
import { describeCall, toCallFailure } from './errors';
import type { CallContext } from './errors';
import { limiterFor } from './limiter';
import { parseReply, repairMessages, responseFormatFor, responseSchemaFor } from './structured';
import { estimateRequestTokens } from './tokens';
import { replyUsage } from './usage';

export interface CallOptions {
  /** Storage for the response cache; the default is the one `config.cacheUri` selects. */
  cacheStorage?: Storage;
}

export interface ModelReply {
  content: string;
  finishReason: string;
  promptTokens: number;
  completionTokens: number;
  cached: boolean;
}

/**
 * Completes one request for a role. Returns a result with status `ok`, or `llm_parse_failed`
 * with the raw reply once the repair attempts are used up. Throws an ApplicationFailure for
 * failed calls: retryable for 429, 5xx and transport faults, non-retryable otherwise.
 */
export async function completeRequest(config: LlmConfig, role: LlmRole, request: LlmRequest, options: CallOptions = {}): Promise<LlmResult> {
  const endpoint = endpointFor(config, role);
  const schema = request.responseSchema ? responseSchemaFor(request.responseSchema) : undefined;
  const { sampling, responseFormat } = firstReplyRequest(config, role, request);
  const context: CallContext = { role, model: endpoint.model, baseURL: endpoint.baseURL, requestId: request.id };
  const usage = emptyUsage();

  let messages = request.messages;
  let lastReply = '';
  let lastError = '';
  for (let attempt = 0; attempt <= config.maxRepairAttempts; attempt += 1) {
    const reply = await fetchReply(config, endpoint, { messages, sampling, responseFormat }, context, options);
    addUsage(usage, replyUsage(config, endpoint.model, reply));
    if (reply.finishReason === 'content_filter' || reply.finishReason === 'refusal') {
      const cause = reply.finishReason === 'refusal' ? `the model refused: ${reply.content.slice(0, 200)}` : 'finish_reason content_filter';
      throw ApplicationFailure.nonRetryable(`${describeCall(context)} was rejected by the endpoint's content filter (${cause})`, 'LlmContentFiltered');
    }

    const result = { id: request.id, role, model: endpoint.model, repairAttempts: attempt, usage };
    if (!schema) return { ...result, status: 'ok', output: reply.content };
    const parsed = parseReply(reply.content, schema);
    if (parsed.ok) return { ...result, status: 'ok', output: parsed.value };

    lastReply = reply.content;
    lastError = reply.finishReason === 'length' ? `${parsed.error}\nThe reply was cut off at the token limit; reply more briefly.` : parsed.error;
    // The conversation grows with each attempt, so no repair repeats an earlier (cached) request.
    messages = repairMessages(messages, reply.content, lastError, schema as z.ZodType);
  }
  return { id: request.id, role, model: endpoint.model, status: 'llm_parse_failed', raw: lastReply, error: lastError, repairAttempts: config.maxRepairAttempts, usage };
}

export interface ReplyRequest {
  messages: ChatMessage[];
  sampling: SamplingParams;
  responseFormat: Record<string, unknown> | undefined;
}

/** Builds the chat completion request body and its cache key; batch mode builds the same pair. */
export function chatRequest(endpoint: LlmEndpoint, call: ReplyRequest): { body: ChatCompletionCreateParamsNonStreaming; key: string } {
  const key = cacheKey({ baseURL: endpoint.baseURL, model: endpoint.model, messages: call.messages, params: call.sampling, responseFormat: call.responseFormat });
  const body = { model: endpoint.model, messages: call.messages, ...call.sampling, ...(call.responseFormat ? { response_format: call.responseFormat } : {}) };
  return { body: body as ChatCompletionCreateParamsNonStreaming, key };
}

/** Builds the first-attempt request of an LlmRequest, before any repair. */
export function firstReplyRequest(config: LlmConfig, role: LlmRole, request: LlmRequest): ReplyRequest {
  const endpoint = endpointFor(config, role);
  const schema = request.responseSchema ? responseSchemaFor(request.responseSchema) : undefined;
  return {
    messages: request.messages,
    sampling: { ...endpoint.sampling, ...request.sampling },
    responseFormat: schema ? responseFormatFor(endpoint.structuredOutput, request.responseSchema!, schema) : undefined,
  };
}

/**
 * Sends one request once the model's limiter admits it. A 429 pauses the limiter for its
 * Retry-After, so no other call in this worker reaches the model before it expires.
 */
export async function sendWithinLimits<T>(endpoint: LlmEndpoint, context: CallContext, tokens: number, send: (client: OpenAI) => Promise<T>): Promise<T> {
  const limits = endpoint.limits;
  if (limits.tokensPerMinute !== undefined && tokens > limits.tokensPerMinute) {
    throw ApplicationFailure.nonRetryable(
      `${describeCall(context)} needs about ${tokens} tokens, more than the tokens-per-minute limit of ${limits.tokensPerMinute}: lower max_tokens or raise the limit.`,
      'LlmRequestTooLarge',
    );
  }

  const client = clientFor(endpoint);
  const limiter = limiterFor(endpoint.baseURL, endpoint.model, limits);
  const release = await limiter.acquire(tokens);
  try {
    return await send(client);
  } catch (error) {
    const { failure, retryDelayMs } = toCallFailure(error, { ...context, apiKey: client.apiKey });
    if (retryDelayMs !== undefined) limiter.pauseUntil(Date.now() + retryDelayMs);
    throw failure;
  } finally {
    release();
  }
}

/** Returns the cached reply, or calls the model and caches the reply before returning it. */
export async function fetchReply(config: LlmConfig, endpoint: LlmEndpoint, call: ReplyRequest, context: CallContext, options: CallOptions): Promise<ModelReply> {
  const { body, key } = chatRequest(endpoint, call);
  const cached = await readCachedReply(config.cacheUri, key, options.cacheStorage);
  if (cached) return { ...cached, cached: true };

  const completion = await sendWithinLimits(endpoint, context, estimateRequestTokens(body), (client) => client.chat.completions.create(body));
  const choice = completion.choices[0];
  const entry = {
    key,
    model: endpoint.model,
    // A structured-output refusal comes as `message.refusal` with no content.
    content: choice?.message.refusal ?? choice?.message.content ?? '',
    finishReason: choice?.message.refusal ? 'refusal' : (choice?.finish_reason ?? 'stop'),
    promptTokens: completion.usage?.prompt_tokens ?? 0,
    completionTokens: completion.usage?.completion_tokens ?? 0,
  };
  // Written before returning, so a retry after a crash from here on does not pay again.
  await writeCachedReply(config.cacheUri, entry, options.cacheStorage);
  return { ...entry, cached: false };
}
