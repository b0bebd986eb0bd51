// Token estimates used for rate limiting before a request is sent. Providers admit a request
// against a tokens-per-minute budget by an estimate made before the model runs (prompt size plus
// the requested completion limit), so the limiter charges the same estimate up front.

/** Characters per token of English text in cl100k-style vocabularies, a coarse average. */
const charsPerToken = 4;

interface TokenCountedRequest {
  messages?: unknown;
  prompt?: unknown;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
}

export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / charsPerToken);
}

/**
 * Estimates the tokens a chat or completion request charges against a tokens-per-minute budget:
 * its message text plus its completion limit. The OpenAI stub uses the same rule, so a limiter
 * that respects it never triggers the stub's 429.
 */
export function estimateRequestTokens(body: TokenCountedRequest): number {
  let chars = 0;
  if (Array.isArray(body.messages)) {
    for (const message of body.messages as Array<{ content?: unknown }>) {
      chars += typeof message.content === 'string' ? message.content.length : JSON.stringify(message.content ?? '').length;
    }
  }
  if (typeof body.prompt === 'string') chars += body.prompt.length;
  const completionLimit = body.max_completion_tokens ?? body.max_tokens ?? 0;
  return Math.ceil(chars / charsPerToken) + completionLimit;
}
