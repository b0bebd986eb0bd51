import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import proto from '@temporalio/proto';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as llmActivities from '../../activities/llm';
import { readJsonlRecords } from '../../activities/shards/jsonl-reader';
import type { LlmRequestsWorkflowInput, LlmResult } from '../../schemas/llm';
import { llmRequests } from '../../workflows/llm-batch';
import { stubConfig, testKeyVariable, userRequest } from '../activities/llm/helpers';
import { startOpenAIStub, stubReply } from '../support/openai-stub';
import type { OpenAIStub } from '../support/openai-stub';
import { startTemporalDevServer, uniqueTaskQueue } from '../support/temporal';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let root: string;
let stub: OpenAIStub;
const apiKey = `sk-stub-secret-${randomUUID()}`;

beforeAll(async () => {
  process.env[testKeyVariable] = apiKey;
  env = await startTemporalDevServer();
  bundle = await bundleWorkflowCode({ workflowsPath: path.resolve(import.meta.dirname, '../../workflows/llm-batch.ts') });
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'llm-workflow-'));
});

afterAll(async () => {
  await env?.teardown();
  await fs.rm(root, { recursive: true, force: true });
});

beforeEach(async () => {
  stub = await startOpenAIStub({ respond: () => stubReply.json({ score: 3, reason: 'fine' }) });
});

afterEach(async () => {
  await stub.close();
});

async function writeRequests(count: number): Promise<string> {
  const file = path.join(root, `requests-${randomUUID()}.jsonl`);
  const lines = Array.from({ length: count }, (_, index) => JSON.stringify(userRequest(`r${index}`, `document ${index}`, 'test_verdict')));
  await fs.writeFile(file, lines.join('\n') + '\n');
  return file;
}

async function readResults(uri: string): Promise<LlmResult[]> {
  const results: LlmResult[] = [];
  for await (const record of readJsonlRecords<LlmResult>(uri)) results.push(record);
  return results;
}

/** Runs a workflow worker on `<prefix>-cpu` and an activity worker on `<prefix>-llm` until `until` settles. */
async function runWorkers<T>(prefix: string, until: Promise<T>): Promise<T> {
  const workflowWorker = await Worker.create({ connection: env.nativeConnection, taskQueue: `${prefix}-cpu`, workflowBundle: bundle });
  const activityWorker = await Worker.create({ connection: env.nativeConnection, taskQueue: `${prefix}-llm`, activities: llmActivities });
  return activityWorker.runUntil(workflowWorker.runUntil(until));
}

async function startRun(input: LlmRequestsWorkflowInput) {
  const prefix = uniqueTaskQueue('llm-requests');
  const handle = await env.client.workflow.start(llmRequests, { args: [input], taskQueue: `${prefix}-cpu`, workflowId: `${prefix}-workflow` });
  return { prefix, handle };
}

async function runToEnd(input: LlmRequestsWorkflowInput, fixture?: string) {
  const { prefix, handle } = await startRun(input);
  const output = await runWorkers(prefix, handle.result());
  if (fixture) await replayAndRecord(handle.workflowId, fixture);
  return output;
}

/**
 * Replays a finished run's history against the current bundle, which fails on nondeterminism.
 * With CORPUSFLOW_RECORD_HISTORIES=1 it also stores the history as the fixture that
 * llm-replay.test.ts replays against later versions.
 */
async function replayAndRecord(workflowId: string, fixture: string): Promise<void> {
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  await Worker.runReplayHistory({ workflowBundle: bundle }, history, workflowId);
  if (process.env.CORPUSFLOW_RECORD_HISTORIES === '1') {
    const plain = proto.temporal.api.history.v1.History.toObject(history as proto.temporal.api.history.v1.History, { longs: String, enums: String, bytes: String });
    await fs.writeFile(path.join(import.meta.dirname, 'histories', fixture), JSON.stringify({ workflowId, history: plain }) + '\n');
  }
}

async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('llmRequests workflow against the stub', () => {
  it('waits out a stub 429 storm', async () => {
    const config = await stubConfig(stub.baseURL, { concurrency: 1 });
    stub.script(stubReply.rateLimited(1), stubReply.rateLimited(1), stubReply.rateLimited(1));

    const output = await runToEnd({ config, requestsUri: await writeRequests(1), outputUri: path.join(root, `storm-${randomUUID()}.jsonl.gz`) }, 'llm-requests-online.json');

    expect(output.byStatus).toEqual({ ok: 1 });
    const calls = stub.modelRequests();
    expect(calls).toHaveLength(4);
    for (let index = 1; index < calls.length; index += 1) {
      expect(calls[index]!.duringRetryAfter).toBe(false);
      expect(calls[index]!.arrivedAtMs - calls[index - 1]!.arrivedAtMs).toBeGreaterThanOrEqual(1000);
    }
  });

  it('retries stub 5xx until success', async () => {
    const config = await stubConfig(stub.baseURL);
    stub.script(stubReply.serverError(500), stubReply.serverError(502));

    const output = await runToEnd({ config, requestsUri: await writeRequests(1), outputUri: path.join(root, `5xx-${randomUUID()}.jsonl.gz`) });

    expect(output.byStatus).toEqual({ ok: 1 });
    expect(stub.modelRequests().map((request) => request.outcome)).toEqual([500, 502, 200]);
  });

  it('records a stub 400 and completes the rest', async () => {
    const config = await stubConfig(stub.baseURL);
    stub.respondWhen('document 1', stubReply.error(400, 'Invalid messages'));
    const outputUri = path.join(root, `400-${randomUUID()}.jsonl.gz`);

    const output = await runToEnd({ config, requestsUri: await writeRequests(3), outputUri });

    expect(output.byStatus).toEqual({ ok: 2, llm_request_rejected: 1 });
    const results = await readResults(outputUri);
    expect(results.map((result) => result.id)).toEqual(['r0', 'r1', 'r2']);
    expect(results[1]!.error).toContain('annotator call to model stub-model');
  });

  it('resubmits failed stub batch lines', async () => {
    const config = await stubConfig(stub.baseURL);
    const failedOnce = new Set<string>();
    const failOnce = (id: string) => !failedOnce.has(id) && failedOnce.add(id) !== undefined;
    stub.failBatchLines((id) => id === 'r1' && failOnce(id), 'error');
    stub.failBatchLines((id) => id === 'r2' && failOnce(id), 500);
    const outputUri = path.join(root, `batch-${randomUUID()}.jsonl.gz`);

    const output = await runToEnd({ config, mode: 'batch', pollIntervalSeconds: 1, requestsUri: await writeRequests(4), outputUri }, 'llm-requests-batch.json');

    expect(output.byStatus).toEqual({ ok: 4 });
    expect(output.batches.map((batch) => [batch.lines, batch.failed])).toEqual([
      [4, 2],
      [2, 0],
    ]);
    expect(stub.modelRequests()).toHaveLength(0);
    expect(stub.batchLinesServed).toBe(6);
    expect(output.usage.calls).toBe(6 - 2);
    const results = await readResults(outputUri);
    expect(results.map((result) => result.output)).toEqual(Array(4).fill({ score: 3, reason: 'fine' }));
  });

  it('batch and online stub runs write equal records', async () => {
    const config = await stubConfig(stub.baseURL);
    const requestsUri = await writeRequests(3);
    const onlineUri = path.join(root, `online-${randomUUID()}.jsonl.gz`);
    const batchUri = path.join(root, `batch-${randomUUID()}.jsonl.gz`);

    await runToEnd({ config, requestsUri, outputUri: onlineUri });
    const otherCache = await stubConfig(stub.baseURL);
    await runToEnd({ config: otherCache, mode: 'batch', pollIntervalSeconds: 1, requestsUri, outputUri: batchUri });

    const strip = (result: LlmResult) => ({ ...result, usage: undefined });
    expect((await readResults(batchUri)).map(strip)).toEqual((await readResults(onlineUri)).map(strip));
  });

  it('keeps polling a stub batch after a worker restart', async () => {
    stub = await restartStub({ batchPollsUntilDone: 3 });
    const config = await stubConfig(stub.baseURL);
    const { prefix, handle } = await startRun({ config, mode: 'batch', pollIntervalSeconds: 1, requestsUri: await writeRequests(2), outputUri: path.join(root, `restart-${randomUUID()}.jsonl.gz`) });

    const isPoll = (request: { method: string; path: string }) => request.method === 'GET' && request.path.startsWith('/v1/batches/');
    await runWorkers(prefix, waitUntil(() => stub.requests.some(isPoll)));
    const output = await runWorkers(prefix, handle.result());

    expect(output.byStatus).toEqual({ ok: 2 });
    expect(stub.requests.filter((request) => request.method === 'POST' && request.path === '/v1/batches')).toHaveLength(1);
  });

  it('keeps the API key out of stub run histories', async () => {
    const config = await stubConfig(stub.baseURL);
    await runToEnd({ config, requestsUri: await writeRequests(2), outputUri: path.join(root, `key-${randomUUID()}.jsonl.gz`) });
    await runToEnd({ config: await stubConfig(stub.baseURL), mode: 'batch', pollIntervalSeconds: 1, requestsUri: await writeRequests(2), outputUri: path.join(root, `key-${randomUUID()}.jsonl.gz`) });
    // Some endpoints echo the key in a 401; the failure that reaches history must not.
    stub.script(stubReply.error(401, `Incorrect API key provided: ${apiKey}`));
    const rejected = runToEnd({ config: await stubConfig(stub.baseURL), requestsUri: await writeRequests(1), outputUri: path.join(root, `key-${randomUUID()}.jsonl.gz`) });
    await expect(rejected).rejects.toBeInstanceOf(WorkflowFailedError);

    expect(stub.requests.some((request) => request.headers.authorization === `Bearer ${apiKey}`)).toBe(true);
    let histories = 0;
    let historiesWithBaseURL = 0;
    for await (const execution of env.client.workflow.list()) {
      const history = await env.client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
      histories += 1;
      expect(containsText(history, apiKey)).toBe(false);
      // The scan does see payload contents: the endpoint URL, which is in the config, is found.
      if (containsText(history, stub.baseURL)) historiesWithBaseURL += 1;
    }
    expect(histories).toBeGreaterThanOrEqual(3);
    expect(historiesWithBaseURL).toBeGreaterThanOrEqual(3);
  });
});

async function restartStub(options: Parameters<typeof startOpenAIStub>[0]): Promise<OpenAIStub> {
  await stub.close();
  return startOpenAIStub({ respond: () => stubReply.json({ score: 3, reason: 'fine' }), ...options });
}

/** Searches strings and byte arrays (payload data, decoded as UTF-8) anywhere in a value. */
function containsText(value: unknown, text: string): boolean {
  if (typeof value === 'string') return value.includes(text);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8').includes(text);
  if (Array.isArray(value)) return value.some((item) => containsText(item, text));
  if (value !== null && typeof value === 'object') return Object.values(value).some((item) => containsText(item, text));
  return false;
}
