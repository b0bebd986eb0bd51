import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import proto from '@temporalio/proto';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as classifyActivities from '../../activities/classify';
import { closeTrainPool } from '../../activities/classify/train-pool';
import * as llmActivities from '../../activities/llm';
import { JsonlShardWriter } from '../../activities/shards/jsonl-writer';
import type { Document } from '../../schemas/document';
import type { QualityClassifierWorkflowInput } from '../../schemas/quality-classifier';
import { qualityClassifier } from '../../workflows/quality-classifier';
import { docstringDocuments, sentenceDocuments, stubAnnotator } from '../activities/classify/corpus';
import { stubConfig, testKeyVariable } from '../activities/llm/helpers';
import { startOpenAIStub } from '../support/openai-stub';
import type { OpenAIStub } from '../support/openai-stub';
import { startTemporalDevServer, uniqueTaskQueue } from '../support/temporal';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let root: string;
let stub: OpenAIStub;

beforeAll(async () => {
  process.env[testKeyVariable] = 'sk-test-quality-workflow-key';
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'quality-workflow-'));
  // The child workflow must be in the same bundle, as it is in the workers' bundle. The entry
  // file sits inside the repository (in the ignored .corpusflow folder) so that webpack
  // resolves @temporalio/workflow from node_modules.
  const workflows = path.resolve(import.meta.dirname, '../../workflows');
  const entry = path.resolve(import.meta.dirname, `../../.corpusflow/test-bundles/quality-${process.pid}.ts`);
  await fs.mkdir(path.dirname(entry), { recursive: true });
  await fs.writeFile(entry, `export * from '${workflows}/quality-classifier';\nexport * from '${workflows}/llm-batch';\n`);
  env = await startTemporalDevServer();
  bundle = await bundleWorkflowCode({ workflowsPath: entry });
  await fs.rm(entry, { force: true });
  stub = await startOpenAIStub({ respond: stubAnnotator([...docstringDocuments(50), ...sentenceDocuments()]) });
});

afterAll(async () => {
  await stub?.close();
  await closeTrainPool();
  await env?.teardown();
  await fs.rm(root, { recursive: true, force: true });
});

async function writeDocuments(name: string, documents: Document[]): Promise<string> {
  const uri = path.join(root, name);
  const writer = await JsonlShardWriter.open(uri);
  for (const item of documents) await writer.write(item);
  await writer.close();
  return uri;
}

async function run(input: QualityClassifierWorkflowInput, fixture?: string) {
  const prefix = uniqueTaskQueue('quality');
  const workflowId = `${prefix}-workflow`;
  const workflowWorker = await Worker.create({ connection: env.nativeConnection, taskQueue: `${prefix}-cpu`, workflowBundle: bundle, activities: classifyActivities });
  const llmWorker = await Worker.create({ connection: env.nativeConnection, taskQueue: `${prefix}-llm`, activities: llmActivities });
  const result = env.client.workflow.execute(qualityClassifier, { args: [input], taskQueue: `${prefix}-cpu`, workflowId });
  const output = await llmWorker.runUntil(workflowWorker.runUntil(result));
  if (fixture) await replayAndRecord(workflowId, fixture);
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

describe('qualityClassifier workflow', () => {
  it('skips when nothing is configured', async () => {
    const output = await run({}, 'quality-classifier-skipped.json');

    expect(output.skippedReason).toBe('no annotator role in llm.roles and no positiveUris and negativeUris reference files');
    expect(output.models).toBeNull();
    expect(output.shards).toEqual([]);
  });

  it('trains on stub annotations and filters shards', async () => {
    const documents = [...docstringDocuments(50), ...sentenceDocuments()];
    const shards = [
      await writeDocuments('shard-0.jsonl.gz', documents.filter((_, index) => index % 2 === 0)),
      await writeDocuments('shard-1.jsonl.gz', documents.filter((_, index) => index % 2 === 1)),
    ];

    const output = await run({
      documentUris: shards,
      workUri: path.join(root, 'run'),
      llm: await stubConfig(stub.baseURL),
      fastText: { epoch: 100, dim: 16, bucket: 10_000 },
      thresholds: { default: 0.5 },
    }, 'quality-classifier.json');

    expect(output.models?.source).toBe('annotations');
    expect(output.models?.educational.heldOutExamples).toBeGreaterThan(0);
    expect(output.models?.nonStemEducational).toBeDefined();
    expect(output.shards).toHaveLength(2);
    expect(output.stats.total).toBe(documents.length);
    expect(output.stats.kept + output.stats.dropped).toBe(documents.length);
    expect(output.llmUsage.calls).toBe(documents.length);
    expect(stub.modelRequests()).toHaveLength(documents.length);
  });
});
