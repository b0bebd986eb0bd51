// Response cache in storage. The key covers everything that determines a reply (endpoint,
// model, messages, sampling parameters with seed, response format), so a retried, reset or
// replayed activity finds the reply it already paid for instead of calling the model again.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { TokenLogprobs } from '../../schemas/llm';
import { joinUri, storageFor } from '../storage';
import type { Storage } from '../storage';
import { canonicalJson } from '../manifest/hash';

export const CachedReply = z.object({
  key: z.string(),
  model: z.string(),
  content: z.string(),
  finishReason: z.string(),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  logprobs: TokenLogprobs.optional().describe('Per-token log-probabilities of a text completion that requested them'),
});
export type CachedReply = z.infer<typeof CachedReply>;

export interface CacheKeyParts {
  baseURL: string;
  model: string;
  messages: unknown;
  params: unknown;
  responseFormat: unknown;
}

/** sha256 over a canonical JSON form (sorted object keys), so key order never changes the key. */
export function cacheKey(parts: CacheKeyParts): string {
  return createHash('sha256').update(canonicalJson(parts)).digest('hex');
}

export function cacheEntryUri(cacheUri: string, key: string): string {
  return joinUri(cacheUri, key.slice(0, 2), `${key}.json`);
}

/** Returns the cached reply, or undefined when there is none or the entry is unreadable. */
export async function readCachedReply(cacheUri: string, key: string, storage?: Storage): Promise<CachedReply | undefined> {
  const uri = cacheEntryUri(cacheUri, key);
  const store = storage ?? (await storageFor(uri));
  if (!(await store.stat(uri))) return undefined;
  try {
    const entry = CachedReply.parse(JSON.parse((await store.readBytes(uri)).toString('utf8')));
    return entry.key === key ? entry : undefined;
  } catch {
    // A damaged entry costs one more call, which then overwrites it.
    return undefined;
  }
}

export async function writeCachedReply(cacheUri: string, entry: CachedReply, storage?: Storage): Promise<void> {
  const uri = cacheEntryUri(cacheUri, entry.key);
  const store = storage ?? (await storageFor(uri));
  await store.write(uri, JSON.stringify(entry));
}
