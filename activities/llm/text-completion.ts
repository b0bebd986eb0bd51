// Text completions (the completions endpoint) with log-probabilities, for stages that score
// tokens, such as pivotal token search, or fill in the middle of a text. Same cache, limits and
// failure handling as chat calls.
import type { CompletionCreateParamsNonStreaming } from 'openai/resources/completions';
import { TextCompletionRequest } from '../../schemas/llm';
import type { LlmConfig, LlmRole, TextCompletion, TokenLogprobs } from '../../schemas/llm';
import { cacheKey, readCachedReply, writeCachedReply } from './cache';
import type { CallOptions } from './call';
import { sendWithinLimits } from './call';
import { endpointFor } from './endpoint';
import type { CallContext } from './errors';
import { estimateRequestTokens } from './tokens';
import { replyUsage } from './usage';

export async function completePrompt(config: LlmConfig, role: LlmRole, rawRequest: TextCompletionRequest, options: CallOptions = {}): Promise<TextCompletion> {
  const request = TextCompletionRequest.parse(rawRequest);
  const endpoint = endpointFor(config, role);
  const context: CallContext = { role, model: endpoint.model, baseURL: endpoint.baseURL, requestId: request.id };
  const sampling = { ...endpoint.sampling, ...request.sampling };
  const body: CompletionCreateParamsNonStreaming = {
    model: endpoint.model,
    prompt: request.prompt,
    ...(request.suffix !== undefined ? { suffix: request.suffix } : {}),
    ...(request.logprobs !== undefined ? { logprobs: request.logprobs } : {}),
    ...sampling,
  };
  const key = cacheKey({ baseURL: endpoint.baseURL, model: endpoint.model, messages: { prompt: request.prompt, suffix: request.suffix }, params: { ...sampling, logprobs: request.logprobs }, responseFormat: 'text_completion' });

  const cached = await readCachedReply(config.cacheUri, key, options.cacheStorage);
  const reply = cached ? { ...cached, cached: true } : await fetchCompletion(config, endpoint, body, key, context, options);
  return {
    id: request.id,
    role,
    model: endpoint.model,
    text: reply.content,
    finishReason: reply.finishReason,
    logprobs: reply.logprobs,
    usage: replyUsage(config, endpoint.model, reply),
  };
}

async function fetchCompletion(
  config: LlmConfig,
  endpoint: ReturnType<typeof endpointFor>,
  body: CompletionCreateParamsNonStreaming,
  key: string,
  context: CallContext,
  options: CallOptions,
) {
  const completion = await sendWithinLimits(endpoint, context, estimateRequestTokens(body), (client) => client.completions.create(body));
  const choice = completion.choices[0];
  const entry = {
    key,
    model: endpoint.model,
    content: choice?.text ?? '',
    finishReason: choice?.finish_reason ?? 'stop',
    promptTokens: completion.usage?.prompt_tokens ?? 0,
    completionTokens: completion.usage?.completion_tokens ?? 0,
    logprobs: toTokenLogprobs(choice?.logprobs),
  };
  // Written before returning, so a retry after a crash from here on does not pay again.
  await writeCachedReply(config.cacheUri, entry, options.cacheStorage);
  return { ...entry, cached: false };
}

function toTokenLogprobs(logprobs: { tokens?: string[]; token_logprobs?: number[]; top_logprobs?: Array<Record<string, number>> } | null | undefined): TokenLogprobs | undefined {
  if (!logprobs?.tokens) return undefined;
  return { tokens: logprobs.tokens, tokenLogprobs: logprobs.token_logprobs ?? [], topLogprobs: logprobs.top_logprobs ?? [] };
}
