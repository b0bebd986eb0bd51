import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { completeRequests } from '../../../activities/llm/complete-requests';
import { readJsonlRecords } from '../../../activities/shards/jsonl-reader';
import type { LlmResult } from '../../../schemas/llm';
import { startOpenAIStub, stubReply } from '../../support/openai-stub';
import type { OpenAIStub } from '../../support/openai-stub';
import { stubConfig, testKeyVariable, userRequest } from './helpers';

let stub: OpenAIStub;
let root: string;

beforeAll(async () => {
  process.env[testKeyVariable] = 'sk-test-complete-key';
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'complete-requests-'));
});

beforeEach(async () => {
  stub = await startOpenAIStub();
});

afterEach(async () => {
  await stub.close();
});

async function writeLines(name: string, lines: unknown[]): Promise<string> {
  const file = path.join(root, name);
  await fs.writeFile(file, lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n') + '\n');
  return file;
}

async function readResults(uri: string): Promise<LlmResult[]> {
  const results: LlmResult[] = [];
  for await (const record of readJsonlRecords<LlmResult>(uri)) results.push(record);
  return results;
}

function runChild(script: string, argument: string): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, argument], { stdio: ['ignore', 'ignore', 'inherit'], env: process.env });
    child.on('error', reject);
    child.on('exit', (_code, signal) => resolve(signal));
  });
}

describe('completeRequests against the stub', () => {
  it('keeps a shard going past bad stub replies', async () => {
    const config = await stubConfig(stub.baseURL);
    stub.respondWhen('good', stubReply.json({ score: 5, reason: 'rich' }));
    stub.respondWhen((request) => JSON.stringify(request.body.messages).includes('garbled'), stubReply.text('{"score": five}'));
    stub.respondWhen('refused', stubReply.error(400, 'This request was rejected'));
    const requestsUri = await writeLines('mixed.jsonl', [
      userRequest('a', 'good', 'test_verdict'),
      userRequest('b', 'garbled', 'test_verdict'),
      userRequest('c', 'refused', 'test_verdict'),
    ]);
    const outputUri = path.join(root, 'mixed-out.jsonl.gz');

    const output = await completeRequests({ config, role: 'annotator', requestsUri, outputUri });

    expect(output.byStatus).toEqual({ ok: 1, llm_parse_failed: 1, llm_request_rejected: 1 });
    const results = await readResults(outputUri);
    expect(results.map((result) => result.status)).toEqual(['ok', 'llm_parse_failed', 'llm_request_rejected']);
    expect(results[1]!.raw).toBe('{"score": five}');
    // The rejected request is not billed, so it adds no call.
    expect(output.usage.calls).toBe(1 + 3);
  });

  it('returns the summary of a finished shard without calls', async () => {
    const config = await stubConfig(stub.baseURL);
    const requestsUri = await writeLines('twice.jsonl', [userRequest('a', 'hello')]);
    const outputUri = path.join(root, 'twice-out.jsonl.gz');

    const first = await completeRequests({ config, role: 'annotator', requestsUri, outputUri });
    const second = await completeRequests({ config, role: 'annotator', requestsUri, outputUri });

    expect(second).toEqual(first);
    expect(stub.modelRequests()).toHaveLength(1);
  });

  it('names file, line and field of a bad request', async () => {
    const config = await stubConfig(stub.baseURL);
    const requestsUri = await writeLines('bad.jsonl', [userRequest('a', 'hello'), { id: 'b', messages: [{ role: 'user' }] }]);

    const failure = await completeRequests({ config, role: 'annotator', requestsUri, outputUri: path.join(root, 'bad-out.jsonl.gz') }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).nonRetryable).toBe(true);
    expect((failure as ApplicationFailure).message).toContain(`Invalid request in ${requestsUri} at line 2, field "messages.0.content"`);
  });

  it('pays a stub reply at most twice across a crash before caching', async () => {
    const config = await stubConfig(stub.baseURL);
    stub.respondWhen('crash', stubReply.json({ score: 2, reason: 'ok' }));
    const requestsUri = await writeLines('crash.jsonl', [userRequest('a', 'crash', 'test_verdict')]);
    const outputUri = path.join(root, 'crash-out.jsonl.gz');
    const input = { config, role: 'annotator' as const, requestsUri, outputUri };

    const signal = await runChild(path.join(import.meta.dirname, 'fixtures/crash-before-cache-write.ts'), JSON.stringify(input));
    expect(signal).toBe('SIGKILL');
    expect(stub.modelRequests()).toHaveLength(1);
    await expect(fs.stat(outputUri)).rejects.toThrow();

    await completeRequests(input);
    await completeRequests({ ...input, outputUri: path.join(root, 'crash-again.jsonl.gz') });

    expect(stub.modelRequests()).toHaveLength(2);
    const results = await readResults(outputUri);
    expect(results).toHaveLength(1);
    expect(results[0]!.output).toEqual({ score: 2, reason: 'ok' });
  });
});
