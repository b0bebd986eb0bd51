import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collectBatchResults, getBatchStatus, submitBatch } from '../../../activities/llm/batch';
import { completeRequest } from '../../../activities/llm/call';
import { startOpenAIStub, stubReply } from '../../support/openai-stub';
import type { OpenAIStub } from '../../support/openai-stub';
import { stubConfig, testKeyVariable, userRequest } from './helpers';

let stub: OpenAIStub;
let root: string;

beforeAll(async () => {
  process.env[testKeyVariable] = 'sk-test-batch-key';
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'llm-batch-'));
});

beforeEach(async () => {
  stub = await startOpenAIStub({ respond: () => stubReply.json({ score: 2, reason: 'batch' }) });
});

afterEach(async () => {
  await stub.close();
});

async function writeRequests(name: string, ids: string[]): Promise<string> {
  const file = path.join(root, name);
  await fs.writeFile(file, ids.map((id) => JSON.stringify(userRequest(id, `text ${id}`, 'test_verdict'))).join('\n') + '\n');
  return file;
}

describe('batch activities against the stub', () => {
  it('finds its batch after losing the marker', async () => {
    const config = await stubConfig(stub.baseURL);
    const input = { config, role: 'annotator' as const, requestsUri: await writeRequests('lost.jsonl', ['a', 'b']), workUri: path.join(root, 'lost'), round: 0 };

    const first = await submitBatch(input);
    await fs.rm(path.join(root, 'lost', 'round-0.batch.json'));
    const second = await submitBatch(input);

    expect(second.batchId).toBe(first.batchId);
    expect(stub.requests.filter((request) => request.method === 'POST' && request.path === '/v1/batches')).toHaveLength(1);
  });

  it('skips requests already in the cache', async () => {
    const config = await stubConfig(stub.baseURL);
    await completeRequest(config, 'annotator', userRequest('a', 'text a', 'test_verdict'));
    const input = { config, role: 'annotator' as const, requestsUri: await writeRequests('cached.jsonl', ['a', 'b']), workUri: path.join(root, 'cached'), round: 0 };

    const submitted = await submitBatch(input);

    expect(submitted.lines).toBe(1);
    const input0 = await fs.readFile(path.join(root, 'cached', 'round-0.input.jsonl'), 'utf8');
    expect(input0.trim().split('\n').map((line) => JSON.parse(line).custom_id)).toEqual(['b']);
  });

  it('sends failed stub lines to the next round', async () => {
    const config = await stubConfig(stub.baseURL);
    stub.failBatchLines((id) => id === 'b', 503);
    const input = { config, role: 'annotator' as const, requestsUri: await writeRequests('failing.jsonl', ['a', 'b', 'c']), workUri: path.join(root, 'failing'), round: 0 };

    const submitted = await submitBatch(input);
    await getBatchStatus({ config, role: 'annotator', batchId: submitted.batchId! });
    const status = await getBatchStatus({ config, role: 'annotator', batchId: submitted.batchId! });
    const collected = await collectBatchResults({ ...input, batchId: submitted.batchId! });

    expect(status.finished).toBe(true);
    expect(collected.succeeded).toBe(2);
    expect(collected.failed).toBe(1);
    expect(collected.failedRequestsUri).toBe(path.join(root, 'failing', 'round-1.requests.jsonl'));
    const next = await fs.readFile(collected.failedRequestsUri!, 'utf8');
    expect(next.trim().split('\n').map((line) => JSON.parse(line).id)).toEqual(['b']);
  });
});

describe('JSON mode against the stub', () => {
  it('validates a json_object reply', async () => {
    const config = await stubConfig(stub.baseURL);
    config.roles.annotator!.structuredOutput = 'json_object';
    stub.script(stubReply.json({ score: 1 }), stubReply.json({ score: 1, reason: 'now complete' }));

    const result = await completeRequest(config, 'annotator', userRequest('r1', 'rate this', 'test_verdict'));

    expect(stub.requests[0]!.body).toMatchObject({ response_format: { type: 'json_object' } });
    expect(result.status).toBe('ok');
    expect(result.repairAttempts).toBe(1);
  });
});
