// Rerunning a failed pipeline on the real Temporal dev server: the first run's workers fail one
// shard non-retryably (as a broken disk or a bug would), the fixed workers rerun it, and the
// shard manifests show that the shards finished before the failure were not extracted again.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractShard, type ExtractShardInput } from '../../activities/extract/activity';
import { rerunWorkflow, type RerunMode } from '../../cli/commands/rerun';
import { failureMessage } from '../../cli/watch';
import type { PipelineSummary } from '../../schemas/pipeline';
import { sharedData, tempDir } from '../support/fixtures';
import { startTemporalDevServer, uniqueTaskQueue } from '../support/temporal';
import { createOperationsWorker } from './operations-workers';

let testEnv: TestWorkflowEnvironment;

beforeAll(async () => {
  testEnv = await startTemporalDevServer();
});

afterAll(async () => {
  await testEnv?.teardown();
});

const FAILING_SHARD = 9;

async function failingExtractShard(input: ExtractShardInput) {
  if (input.shardIndex === FAILING_SHARD) throw ApplicationFailure.nonRetryable(`Shard ${FAILING_SHARD} failed on purpose`, 'InjectedFault');
  return extractShard(input);
}

interface ManifestFacts {
  createdAt: string;
  documentsSha256: string;
}

/** createdAt and documents sha256 of every extract shard manifest, by file name. */
function extractManifests(output: string): Map<string, ManifestFacts> {
  const folder = path.join(output, 'extract');
  const facts = new Map<string, ManifestFacts>();
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.manifest.json')).sort()) {
    const manifest = JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as { createdAt: string; outputs: { documents: { sha256: string } } };
    facts.set(file, { createdAt: manifest.createdAt, documentsSha256: manifest.outputs.documents.sha256 });
  }
  return facts;
}

/** Runs the pipeline on 18 one-page shards with the faulty workers and returns the failed run's id. */
async function failRun(prefix: string, output: string): Promise<string> {
  const worker = await createOperationsWorker(testEnv.nativeConnection, prefix, { extractShard: failingExtractShard });
  const workflowId = uniqueTaskQueue('rerun');
  const input = {
    input: path.join(sharedData, 'web/readability'),
    exclude: ['*.gold.html'],
    output,
    shardSizeBytes: 1,
    shardsPerChild: 2,
    maxConcurrentChildren: 1,
    activityConcurrency: 1,
    exactDedup: { enabled: false },
    nearDedup: { enabled: false },
    decontaminate: { enabled: false },
  };
  const run = worker.runUntil(testEnv.client.workflow.execute('pipeline', { taskQueue: `${prefix}-cpu`, workflowId, args: [input] }));
  const error = await run.then(() => undefined, (failure: unknown) => failure);
  expect(error).toBeInstanceOf(WorkflowFailedError);
  expect(failureMessage(error)).toBe(`Shard ${FAILING_SHARD} failed on purpose`);
  return workflowId;
}

async function rerunFixed(prefix: string, workflowId: string, mode: RerunMode): Promise<{ summary: PipelineSummary; resetEventId?: number }> {
  const worker = await createOperationsWorker(testEnv.nativeConnection, prefix);
  return worker.runUntil(async () => {
    const result = await rerunWorkflow(testEnv.client, workflowId, { mode });
    expect(result.mode).toBe(mode);
    return { summary: (await result.handle.result()) as PipelineSummary, resetEventId: result.resetEventId };
  });
}

describe('rerun of a failed pipeline', () => {
  for (const mode of ['reset', 'fresh'] as const) {
    it(`${mode} keeps the shards finished before the failure`, async () => {
      const prefix = uniqueTaskQueue(`rerun-${mode}`);
      const output = tempDir(`rerun-${mode}`);
      const workflowId = await failRun(prefix, output);
      const before = extractManifests(output);
      expect([...before.keys()]).toEqual(Array.from({ length: FAILING_SHARD }, (_, index) => `shard-${String(index).padStart(5, '0')}.manifest.json`));

      const { summary, resetEventId } = await rerunFixed(prefix, workflowId, mode);
      const after = extractManifests(output);

      expect(summary.shardCount).toBe(18);
      expect(summary.stages[0]!.stats.kept).toBe(18);
      expect(after.size).toBe(18);
      for (const [file, facts] of before) expect(after.get(file), file).toEqual(facts);
      if (mode === 'reset') {
        expect(resetEventId).toBeGreaterThan(0);
        // The reset replays the failed batch (shards 8 and 9): shard 8 comes from its manifest.
        expect(summary.stages[0]!.manifestHits).toBe(1);
        expect(summary.workflowId).toBe(workflowId);
      } else {
        expect(summary.stages[0]!.manifestHits).toBe(FAILING_SHARD);
        expect(summary.workflowId).not.toBe(workflowId);
      }
    });
  }
});
