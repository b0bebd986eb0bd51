// Token usage and cost of model calls, priced from the config's table.
import type { LlmConfig, LlmUsage } from '../../schemas/llm';

export function costUsd(config: LlmConfig, model: string, promptTokens: number, completionTokens: number): number {
  const price = config.prices[model];
  if (!price) return 0;
  return (promptTokens * price.inputPerMillionTokens + completionTokens * price.outputPerMillionTokens) / 1_000_000;
}

/** Usage of one reply: a paid call, or a cache hit that costs nothing and counts no tokens. */
export function replyUsage(config: LlmConfig, model: string, reply: { promptTokens: number; completionTokens: number; cached: boolean }): LlmUsage {
  if (reply.cached) return { calls: 0, cachedCalls: 1, promptTokens: 0, completionTokens: 0, costUsd: 0 };
  return {
    calls: 1,
    cachedCalls: 0,
    promptTokens: reply.promptTokens,
    completionTokens: reply.completionTokens,
    costUsd: costUsd(config, model, reply.promptTokens, reply.completionTokens),
  };
}
