import { ApplicationFailure } from '@temporalio/common';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { completeRequest } from '../../../activities/llm/call';
import { completePrompt } from '../../../activities/llm/text-completion';
import { responseSchemaFor } from '../../../activities/llm/structured';
import { startOpenAIStub, stubReply } from '../../support/openai-stub';
import type { OpenAIStub } from '../../support/openai-stub';
import { stubConfig, testKeyVariable, userRequest } from './helpers';

let stub: OpenAIStub;

beforeAll(() => {
  process.env[testKeyVariable] = 'sk-test-call-key';
});

beforeEach(async () => {
  stub = await startOpenAIStub();
});

afterEach(async () => {
  await stub.close();
});

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApplicationFailure) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('completeRequest against the stub', () => {
  it('returns a schema-valid stub reply', async () => {
    const config = await stubConfig(stub.baseURL);
    stub.script(stubReply.json({ score: 4, reason: 'clear' }));

    const result = await completeRequest(config, 'annotator', userRequest('r1', 'rate this', 'test_verdict'));

    expect(result.status).toBe('ok');
    expect(result.output).toEqual({ score: 4, reason: 'clear' });
    expect(result.usage.calls).toBe(1);
    expect(result.usage.costUsd).toBeGreaterThan(0);
    const body = stub.requests[0]!.body as { response_format: { type: string; json_schema: { name: string; schema: object } } };
    expect(body.response_format.type).toBe('json_schema');
    expect(body.response_format.json_schema.name).toBe('test_verdict');
    expect(body.response_format.json_schema.schema).toMatchObject({ type: 'object', required: ['score', 'reason'] });
    expect(body.response_format.json_schema.schema).not.toHaveProperty('$schema');
    expect(stub.requests[0]!.headers.authorization).toBe('Bearer sk-test-call-key');
  });

  it('repairs malformed stub JSON', async () => {
    const config = await stubConfig(stub.baseURL);
    stub.script(stubReply.text('{"score": 4, "reason": '), stubReply.json({ score: 4, reason: 'fixed' }));

    const result = await completeRequest(config, 'annotator', userRequest('r1', 'rate this', 'test_verdict'));

    expect(result.status).toBe('ok');
    expect(result.repairAttempts).toBe(1);
    const repair = stub.requests[1]!.body as { messages: Array<{ role: string; content: string }> };
    expect(repair.messages).toHaveLength(3);
    expect(repair.messages[1]!.content).toBe('{"score": 4, "reason": ');
    expect(repair.messages[2]!.content).toContain('The reply is not valid JSON');
  });

  it('repairs a truncated stub reply', async () => {
    const config = await stubConfig(stub.baseURL);
    stub.script(stubReply.text('{"score": 2, "rea', { finishReason: 'length' }), stubReply.json({ score: 2, reason: 'short' }));

    const result = await completeRequest(config, 'annotator', userRequest('r1', 'rate this', 'test_verdict'));

    expect(result.status).toBe('ok');
    const repair = stub.requests[1]!.body as { messages: Array<{ content: string }> };
    expect(repair.messages[2]!.content).toContain('cut off at the token limit');
  });

  it('records a stub reply that stays schema-violating', async () => {
    const config = await stubConfig(stub.baseURL);
    stub.script(stubReply.json({ score: 9 }), stubReply.json({ score: 9 }), stubReply.json({ score: 'high' }));

    const result = await completeRequest(config, 'annotator', userRequest('r1', 'rate this', 'test_verdict'));

    expect(result.status).toBe('llm_parse_failed');
    expect(result.raw).toBe('{"score":"high"}');
    expect(result.error).toContain('does not match the schema');
    expect(result.repairAttempts).toBe(2);
    expect(stub.modelRequests()).toHaveLength(3);
    expect(result.usage.calls).toBe(3);
  });

  it('serves a repeated stub request from the cache', async () => {
    const config = await stubConfig(stub.baseURL);
    stub.script(stubReply.json({ score: 1, reason: 'thin' }));

    const first = await completeRequest(config, 'annotator', userRequest('r1', 'rate this', 'test_verdict'));
    const second = await completeRequest(config, 'annotator', userRequest('r1', 'rate this', 'test_verdict'));

    expect(second.output).toEqual(first.output);
    expect(stub.modelRequests()).toHaveLength(1);
    expect(second.usage.calls).toBe(0);
    expect(second.usage.cachedCalls).toBe(1);
  });

  it('turns a stub 429 into a delayed retry', async () => {
    const config = await stubConfig(stub.baseURL);
    stub.script(stubReply.rateLimited(3));

    const failure = await failureOf(completeRequest(config, 'annotator', userRequest('r1', 'hello')));

    expect(failure.type).toBe('LlmRateLimited');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBe(3000);
  });

  it('holds other calls while a stub Retry-After is pending', async () => {
    const config = await stubConfig(stub.baseURL);
    stub.script(stubReply.rateLimited(1), stubReply.text('later'));

    await failureOf(completeRequest(config, 'annotator', userRequest('r1', 'first')));
    const result = await completeRequest(config, 'annotator', userRequest('r2', 'second'));

    expect(result.output).toBe('later');
    const [limited, next] = stub.modelRequests();
    expect(next!.arrivedAtMs - limited!.arrivedAtMs).toBeGreaterThanOrEqual(1000);
    expect(next!.duringRetryAfter).toBe(false);
  });

  it('treats stub 5xx and transport faults as retryable', async () => {
    const config = await stubConfig(stub.baseURL);
    const cases = [
      { reply: stubReply.serverError(503), type: 'LlmServerError' },
      { reply: stubReply.drop(), type: 'LlmConnectionFailed' },
      { reply: stubReply.hang(), type: 'LlmTimeout' },
      { reply: stubReply.truncatedBody(), type: 'LlmMalformedResponse' },
    ];
    for (const [index, entry] of cases.entries()) {
      stub.script(entry.reply);
      const failure = await failureOf(completeRequest(config, 'annotator', userRequest(`r${index}`, `case ${index}`)));
      expect(failure.type).toBe(entry.type);
      expect(failure.nonRetryable).toBe(false);
    }
  });

  it('names role, model and request in a stub 401', async () => {
    const config = await stubConfig(stub.baseURL);
    stub.script(stubReply.error(401, 'Incorrect API key provided'));

    const failure = await failureOf(completeRequest(config, 'annotator', userRequest('doc-17', 'hello')));

    expect(failure.type).toBe('LlmUnauthorized');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain(`annotator call to model stub-model at ${stub.baseURL} for request doc-17`);
    expect(failure.message).not.toContain('sk-test-call-key');
  });

  it('redacts a key echoed in a stub 401', async () => {
    const config = await stubConfig(stub.baseURL);
    stub.script(stubReply.error(401, 'Incorrect API key provided: sk-test-call-key. Find your key in your account.'));

    const failure = await failureOf(completeRequest(config, 'annotator', userRequest('r1', 'hello')));

    expect(failure.message).toContain('Incorrect API key provided: [redacted key]');
    expect(failure.message).not.toContain('sk-test');
  });

  it('redacts a masked key echoed in a stub 401', async () => {
    const config = await stubConfig(stub.baseURL);
    stub.script(stubReply.error(401, 'Incorrect API key provided: sk-abc12***********wxyz.'));

    const failure = await failureOf(completeRequest(config, 'annotator', userRequest('r1', 'hello')));

    expect(failure.message).toContain('Incorrect API key provided: sk-[redacted]');
  });

  it('rejects a stub content-filter refusal', async () => {
    const config = await stubConfig(stub.baseURL);
    stub.script(stubReply.text('', { finishReason: 'content_filter' }));

    const failure = await failureOf(completeRequest(config, 'annotator', userRequest('r1', 'hello')));

    expect(failure.type).toBe('LlmContentFiltered');
    expect(failure.nonRetryable).toBe(true);
  });

  it('knows the annotation schema without the stage code', () => {
    expect(responseSchemaFor('quality_annotation')).toBeDefined();
  });

  it('rejects a stub structured-output refusal', async () => {
    const config = await stubConfig(stub.baseURL);
    stub.script(stubReply.refusal('I cannot rate this document.'));

    const failure = await failureOf(completeRequest(config, 'annotator', userRequest('r1', 'rate this', 'test_verdict')));

    expect(failure.type).toBe('LlmContentFiltered');
    expect(failure.message).toContain('the model refused: I cannot rate this document.');
    expect(stub.modelRequests()).toHaveLength(1);
  });

  it('fails when the key variable is missing', async () => {
    const config = await stubConfig(stub.baseURL);
    config.roles.annotator!.apiKeyEnv = 'CORPUSFLOW_TEST_UNSET_KEY';

    const failure = await failureOf(completeRequest(config, 'annotator', userRequest('r1', 'hello')));

    expect(failure.type).toBe('LlmApiKeyMissing');
    expect(failure.message).toContain('CORPUSFLOW_TEST_UNSET_KEY');
    expect(stub.requests).toHaveLength(0);
  });
});

describe('completePrompt against the stub', () => {
  it('returns stub logprobs and caches them', async () => {
    const config = await stubConfig(stub.baseURL);
    stub.script(stubReply.text('four five'));

    const first = await completePrompt(config, 'annotator', { id: 'p1', prompt: 'two plus two is', logprobs: 2 });
    const second = await completePrompt(config, 'annotator', { id: 'p1', prompt: 'two plus two is', logprobs: 2 });

    expect(first.text).toBe('four five');
    expect(first.logprobs?.tokens).toEqual(['four', ' five']);
    expect(first.logprobs?.topLogprobs[0]).toHaveProperty('four');
    expect(second).toEqual({ ...first, usage: { calls: 0, cachedCalls: 1, promptTokens: 0, completionTokens: 0, costUsd: 0 } });
    expect(stub.modelRequests()).toHaveLength(1);
    expect(stub.modelRequests()[0]!.path).toBe('/v1/completions');
  });

  it('sends a fill-in-the-middle suffix to the stub', async () => {
    const config = await stubConfig(stub.baseURL);

    await completePrompt(config, 'annotator', { id: 'fim', prompt: 'def add(a, b):\n', suffix: '\n\nprint(add(1, 2))' });

    expect(stub.modelRequests()[0]!.body).toMatchObject({ prompt: 'def add(a, b):\n', suffix: '\n\nprint(add(1, 2))' });
  });

  it('turns a stub 429 on completions into a delayed retry', async () => {
    const config = await stubConfig(stub.baseURL);
    stub.script(stubReply.rateLimited(2));

    const failure = await failureOf(completePrompt(config, 'annotator', { id: 'p1', prompt: 'hello' }));

    expect(failure.type).toBe('LlmRateLimited');
    expect(failure.nextRetryDelay).toBe(2000);
  });
});
