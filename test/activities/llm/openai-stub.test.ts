import OpenAI, { RateLimitError } from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAIStub, stubReply } from '../../support/openai-stub';
import type { OpenAIStub } from '../../support/openai-stub';

let stub: OpenAIStub;
let client: OpenAI;

beforeEach(async () => {
  stub = await startOpenAIStub();
  client = new OpenAI({ baseURL: stub.baseURL, apiKey: 'stub', maxRetries: 0 });
});

afterEach(async () => {
  await stub.close();
});

describe('OpenAI stub', () => {
  it('replies from the script, then matchers, then the default', async () => {
    stub.script(stubReply.text('scripted'));
    stub.respondWhen(/weather/, stubReply.text('sunny'));
    const ask = async (content: string) => (await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content }] })).choices[0]!.message.content;

    expect(await ask('weather?')).toBe('scripted');
    expect(await ask('weather?')).toBe('sunny');
    expect(await ask('hello')).toBe('ok');
    expect(stub.modelRequests()).toHaveLength(3);
  });

  it('returns completions with logprobs', async () => {
    stub.script(stubReply.text('one two three'));

    const completion = await client.completions.create({ model: 'm', prompt: 'count', logprobs: 2 });

    const logprobs = completion.choices[0]!.logprobs!;
    expect(logprobs.tokens).toEqual(['one', ' two', ' three']);
    expect(logprobs.token_logprobs).toHaveLength(3);
    expect(Object.keys(logprobs.top_logprobs![0]!)).toHaveLength(2);
    expect(logprobs.text_offset).toEqual([0, 3, 7]);
  });

  it('enforces a requests-per-minute budget', async () => {
    await stub.close();
    stub = await startOpenAIStub({ rateLimit: { requestsPerMinute: 2 } });
    client = new OpenAI({ baseURL: stub.baseURL, apiKey: 'stub', maxRetries: 0 });
    const ask = () => client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });

    await ask();
    await ask();
    const error = await ask().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(RateLimitError);
    const headers = (error as RateLimitError).headers;
    expect(Number(headers.get('retry-after'))).toBeGreaterThan(0);
    expect(headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(stub.modelRequests().map((request) => request.outcome)).toEqual([200, 200, 429]);
  });

  it('marks requests sent while a Retry-After is pending', async () => {
    stub.script(stubReply.rateLimited(30));
    await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'a' }] }).catch(() => undefined);
    await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'b' }] });

    expect(stub.modelRequests().map((request) => request.duringRetryAfter)).toEqual([false, true]);
  });

  it('runs a batch with an error file', async () => {
    stub.failBatchLines((id) => id === 'b', 'error');
    const lines = ['a', 'b'].map((id) => JSON.stringify({ custom_id: id, method: 'POST', url: '/v1/chat/completions', body: { model: 'm', messages: [{ role: 'user', content: id }] } }));
    const file = await client.files.create({ file: new File([lines.join('\n')], 'input.jsonl'), purpose: 'batch' });
    const created = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });

    expect((await client.batches.retrieve(created.id)).status).toBe('in_progress');
    const done = await client.batches.retrieve(created.id);
    expect(done.status).toBe('completed');
    expect(done.request_counts).toEqual({ total: 2, completed: 1, failed: 1 });
    const output = await (await client.files.content(done.output_file_id!)).text();
    const errors = await (await client.files.content(done.error_file_id!)).text();
    expect(JSON.parse(output.trim()).custom_id).toBe('a');
    expect(JSON.parse(errors.trim()).custom_id).toBe('b');
  });
});
