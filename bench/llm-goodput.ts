// Goodput of the model-call layer against a rate-limited endpoint. The OpenAI stub enforces a
// requests-per-minute and a tokens-per-minute budget over a sliding minute, with 200 ms of
// latency per reply. Goodput is the budget share the client turned into successful replies
// during one measured minute (1.0 = every request and token of the binding budget used).
// Peer, measured in the same run against its own stub: the `openai` SDK's built-in retries
// (maxRetries 8), the usual way to call an endpoint without a limiter.
// Goal: corpusflow goodput >= 0.9 with zero requests sent while a Retry-After was pending.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import OpenAI from 'openai';
import { completeRequest } from '../activities/llm/call';
import { estimateRequestTokens } from '../activities/llm/tokens';
import { LlmConfig } from '../schemas/llm';
import { startOpenAIStub } from '../test/support/openai-stub';
import type { OpenAIStub } from '../test/support/openai-stub';

const budget = { requestsPerMinute: 300, tokensPerMinute: 40_000 };
const latencyMs = 200;
const measuredMs = 60_000;
const concurrency = 8;
const maxTokens = 60;

interface Measurement {
  client: string;
  okRequests: number;
  okTokens: number;
  goodput: number;
  rateLimited: number;
  sentDuringRetryAfter: number;
  otherFailures: number;
}

/** Builds a prompt of about 100 estimated tokens, so each request charges about 160 with max_tokens. */
function prompt(index: number): string {
  return `Request ${index}: summarize the following note in one sentence. ${'The shard was written, hashed and recorded in its manifest. '.repeat(6)}`;
}

function measure(client: string, stub: OpenAIStub, startMs: number, otherFailures: number): Measurement {
  const inWindow = stub.modelRequests().filter((request) => request.arrivedAtMs >= startMs && request.arrivedAtMs < startMs + measuredMs);
  const ok = inWindow.filter((request) => request.outcome === 200);
  const okTokens = ok.reduce((sum, request) => sum + estimateRequestTokens(request.body as Record<string, never>), 0);
  const minutes = measuredMs / 60_000;
  const goodput = Math.max(ok.length / (budget.requestsPerMinute * minutes), okTokens / (budget.tokensPerMinute * minutes));
  return {
    client,
    okRequests: ok.length,
    okTokens,
    goodput,
    rateLimited: stub.modelRequests().filter((request) => request.outcome === 429).length,
    sentDuringRetryAfter: stub.modelRequests().filter((request) => request.duringRetryAfter).length,
    otherFailures,
  };
}

/** corpusflow's call layer; a 429 is retried after its delay, as Temporal would. */
async function runCorpusflow(stub: OpenAIStub, cacheUri: string): Promise<Measurement> {
  const config = LlmConfig.parse({
    roles: { generator: { baseURL: stub.baseURL, model: 'bench-model', limits: { concurrency, ...budget }, sampling: { max_tokens: maxTokens }, timeoutMs: 10_000 } },
    cacheUri,
  });
  const startMs = Date.now();
  let next = 0;
  let otherFailures = 0;
  const lane = async () => {
    while (Date.now() < startMs + measuredMs) {
      const index = next++;
      try {
        await completeRequest(config, 'generator', { id: `r${index}`, messages: [{ role: 'user', content: prompt(index) }] });
      } catch (error) {
        const delay = error instanceof ApplicationFailure ? error.nextRetryDelay : undefined;
        if (typeof delay === 'number') await new Promise((resolve) => setTimeout(resolve, delay));
        else otherFailures += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency * 2 }, lane));
  return measure('corpusflow limiter', stub, startMs, otherFailures);
}

async function runSdkRetries(stub: OpenAIStub): Promise<Measurement> {
  const client = new OpenAI({ baseURL: stub.baseURL, apiKey: 'bench', maxRetries: 8, timeout: 10_000 });
  const startMs = Date.now();
  let next = 0;
  let otherFailures = 0;
  const lane = async () => {
    while (Date.now() < startMs + measuredMs) {
      const index = next++;
      try {
        await client.chat.completions.create({ model: 'bench-model', max_tokens: maxTokens, messages: [{ role: 'user', content: prompt(index) }] });
      } catch {
        otherFailures += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return measure('openai SDK retries', stub, startMs, otherFailures);
}

export async function run(): Promise<void> {
  const ours = await startOpenAIStub({ latencyMs, rateLimit: budget });
  const peer = await startOpenAIStub({ latencyMs, rateLimit: budget });
  const cacheUri = await mkdtemp(path.join(os.tmpdir(), 'llm-goodput-cache-'));
  try {
    console.log(`llm-goodput: budget ${budget.requestsPerMinute} requests and ${budget.tokensPerMinute} tokens per minute, ${latencyMs} ms latency, ${measuredMs / 1000} s measured, concurrency ${concurrency}`);
    const results = await Promise.all([runCorpusflow(ours, cacheUri), runSdkRetries(peer)]);
    for (const result of results) {
      console.log(
        `  ${result.client.padEnd(20)} goodput ${result.goodput.toFixed(3)}  ok ${result.okRequests} requests / ${result.okTokens} tokens  429s ${result.rateLimited}  sent during Retry-After ${result.sentDuringRetryAfter}  other failures ${result.otherFailures}`,
      );
    }
    const [corpusflow, sdk] = results;
    console.log(`  goodput ratio corpusflow / SDK retries: ${(corpusflow!.goodput / Math.max(sdk!.goodput, 1e-9)).toFixed(2)}`);
    const met = corpusflow!.goodput >= 0.9 && corpusflow!.sentDuringRetryAfter === 0;
    console.log(`  goal (goodput >= 0.9, none sent during Retry-After): ${met ? 'met' : 'NOT met'}`);
  } finally {
    await ours.close();
    await peer.close();
    await rm(cacheUri, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await run();
}
