// Shared setup for model-call tests: a config that points every role at a stub server.
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { registerResponseSchema } from '../../../activities/llm/structured';
import { LlmConfig } from '../../../schemas/llm';
import type { RateLimits } from '../../../schemas/llm';

export const testKeyVariable = 'CORPUSFLOW_TEST_LLM_KEY';

export const Verdict = z.object({ score: z.number().int().min(0).max(5), reason: z.string() });
registerResponseSchema('test_verdict', Verdict);

export async function stubConfig(baseURL: string, limits: Partial<RateLimits> = {}): Promise<LlmConfig> {
  const cacheUri = await mkdtemp(path.join(os.tmpdir(), 'llm-cache-'));
  return LlmConfig.parse({
    roles: {
      annotator: { baseURL, model: 'stub-model', apiKeyEnv: testKeyVariable, limits: { concurrency: 4, ...limits }, timeoutMs: 2000 },
    },
    prices: { 'stub-model': { inputPerMillionTokens: 1, outputPerMillionTokens: 2 } },
    cacheUri,
  });
}

export function userRequest(id: string, content: string, responseSchema?: string) {
  return { id, messages: [{ role: 'user' as const, content }], responseSchema };
}
