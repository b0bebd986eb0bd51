// The training-launch check on the real dev server: a pipeline run's manifest records the
// benchmark sets its documents were decontaminated against, trainingPreflight accepts it, and
// rejects a run whose decontaminate stage was off.
import path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WorkflowFailedError } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureMessage } from '../../cli/watch';
import type { RunManifest } from '../../schemas/manifest';
import type { PipelineSummary } from '../../schemas/pipeline';
import type { TrainingPreflightInput } from '../../workflows/training-preflight';
import { sharedData, tempDir } from '../support/fixtures';
import { startTemporalDevServer, uniqueTaskQueue } from '../support/temporal';
import { createTestWorkers, withWorkers } from '../support/workers';

let testEnv: TestWorkflowEnvironment;

beforeAll(async () => {
  testEnv = await startTemporalDevServer();
});

afterAll(async () => {
  await testEnv?.teardown();
});

async function run<T>(workflow: string, input: unknown, workflowId = uniqueTaskQueue('run')): Promise<T> {
  const workers = await createTestWorkers(testEnv, uniqueTaskQueue('preflight'), ['cpu', 'launcher']);
  return withWorkers(workers, () => testEnv.client.workflow.execute(workflow, { taskQueue: workers.workflowQueue, workflowId, args: [input] })) as Promise<T>;
}

/**
 * Stores a finished run's history, with CORPUSFLOW_RECORD_HISTORIES=1, as the fixture that
 * test/replay/replay.test.ts replays against later versions of the workflow code.
 */
async function record(workflowId: string, fixture: string): Promise<void> {
  if (process.env.CORPUSFLOW_RECORD_HISTORIES !== '1') return;
  const history = await testEnv.client.workflow.getHandle(workflowId).fetchHistory();
  const plain = proto.temporal.api.history.v1.History.toObject(history as proto.temporal.api.history.v1.History, { longs: String, enums: String, bytes: String });
  writeFileSync(path.join(import.meta.dirname, 'histories', fixture), JSON.stringify({ workflowId, history: plain }) + '\n');
}

async function rejection(input: TrainingPreflightInput): Promise<string> {
  const error = await run('trainingPreflight', input).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(WorkflowFailedError);
  return failureMessage(error);
}

describe('trainingPreflight workflow', () => {
  it('accepts checked runs, rejects unchecked ones', { timeout: 240_000 }, async () => {
    const input = path.join(sharedData, 'warc');
    const checkedOutput = tempDir('decontaminated');
    const uncheckedOutput = tempDir('unchecked');
    const checked = await run<PipelineSummary>('pipeline', { input, output: checkedOutput });
    await run<PipelineSummary>('pipeline', { input, output: uncheckedOutput, decontaminate: { enabled: false } });

    const manifest = JSON.parse(readFileSync(fileURLToPath(checked.manifestUri), 'utf8')) as RunManifest;
    expect(manifest.decontamination?.benchmarks.map((set) => set.name)).toEqual(['gsm8k', 'humaneval', 'mbpp', 'mmlu']);
    expect(manifest.decontamination?.benchmarks[0]!.files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.decontamination?.documentsChecked).toBe(checked.stages.find((stage) => stage.stage === 'decontaminate')!.stats.total);

    const acceptedId = uniqueTaskQueue('accepted');
    const accepted = await run<Array<{ benchmarks: string[] }>>('trainingPreflight', { datasets: [checked.manifestUri], requiredBenchmarks: ['gsm8k', 'humaneval'] }, acceptedId);
    expect(accepted[0]!.benchmarks).toEqual(['gsm8k', 'humaneval', 'mbpp', 'mmlu']);
    await record(acceptedId, 'training-preflight.json');

    const uncheckedManifest = path.join(uncheckedOutput, 'manifest.json');
    expect(await rejection({ datasets: [checked.manifestUri, uncheckedManifest] })).toContain(`Refusing to train on ${uncheckedManifest}: it has no decontamination record`);
    expect(await rejection({ datasets: [checked.manifestUri], requiredBenchmarks: ['gpqa'] })).toContain('it was not decontaminated against gpqa');
  });
});
