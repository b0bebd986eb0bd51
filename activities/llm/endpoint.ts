// Resolves a role to its endpoint and an `openai` client. The API key comes only from the
// worker's environment, under the variable name the config gives.
import { ApplicationFailure } from '@temporalio/common';
import OpenAI from 'openai';
import type { LlmConfig, LlmEndpoint, LlmRole } from '../../schemas/llm';

const clients = new Map<string, OpenAI>();

export function endpointFor(config: LlmConfig, role: LlmRole): LlmEndpoint {
  const endpoint = config.roles[role];
  if (!endpoint) {
    const configured = Object.keys(config.roles).join(', ') || 'none';
    throw ApplicationFailure.nonRetryable(
      `No endpoint configured for LLM role "${role}" (configured roles: ${configured}): add llm.roles.${role} with baseURL and model.`,
      'LlmRoleNotConfigured',
    );
  }
  return endpoint;
}

/**
 * Returns one client per endpoint, key variable and timeout. The client's own retries are off
 * (`maxRetries: 0`) because Temporal's activity retry policy owns retries and their backoff.
 */
export function clientFor(endpoint: LlmEndpoint): OpenAI {
  const cacheKey = `${endpoint.baseURL}\u0000${endpoint.apiKeyEnv ?? ''}\u0000${endpoint.timeoutMs}`;
  let client = clients.get(cacheKey);
  if (!client) {
    client = new OpenAI({ baseURL: endpoint.baseURL, apiKey: readApiKey(endpoint), maxRetries: 0, timeout: endpoint.timeoutMs });
    clients.set(cacheKey, client);
  }
  return client;
}

function readApiKey(endpoint: LlmEndpoint): string {
  if (!endpoint.apiKeyEnv) {
    // Local servers such as vLLM accept any key; the client refuses an empty one.
    return 'no-key';
  }
  const key = process.env[endpoint.apiKeyEnv];
  if (!key) {
    throw ApplicationFailure.nonRetryable(
      `Environment variable ${endpoint.apiKeyEnv} is missing or empty on this worker, so model ${endpoint.model} at ${endpoint.baseURL} cannot be called: set it in the worker's environment.`,
      'LlmApiKeyMissing',
    );
  }
  return key;
}
