// Sums the model usage of LLM results into the manifest's llmUsage form.
import type { LlmResult } from '../../schemas/llm';
import type { LlmUsage as ManifestLlmUsage } from '../../schemas/manifest';

export function manifestUsage(results: Array<LlmResult | undefined>): ManifestLlmUsage {
  const usage = { requests: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 };
  for (const result of results) {
    if (!result) continue;
    usage.requests += result.usage.calls;
    usage.promptTokens += result.usage.promptTokens;
    usage.completionTokens += result.usage.completionTokens;
    usage.costUsd += result.usage.costUsd;
  }
  return usage;
}
