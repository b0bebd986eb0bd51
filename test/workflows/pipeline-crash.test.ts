// A worker killed with SIGKILL in the middle of a run, then started again, must leave the
// same outputs as an uninterrupted run: same record counts and sha256 per shard, no duplicates.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineProgress, PipelineSummary } from '../../schemas/pipeline';
import type { ShardManifest } from '../../schemas/manifest';
import { startTemporalDevServer, uniqueTaskQueue } from '../support/temporal';
import { sharedData, tempDir } from '../support/fixtures';

const repoRoot = path.resolve(import.meta.dirname, '../..');
let testEnv: TestWorkflowEnvironment;
const children: ChildProcess[] = [];

beforeAll(async () => {
  testEnv = await startTemporalDevServer();
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await testEnv?.teardown();
});

/** Starts the real all-in-one worker entry point as a separate process. */
function startWorkerProcess(prefix: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/all-in-one.ts'], {
    cwd: repoRoot,
    env: { ...process.env, TEMPORAL_ADDRESS: testEnv.address, CORPUSFLOW_TASK_QUEUE_PREFIX: `${prefix}-`, CORPUSFLOW_CPU_CONCURRENCY: '2', CORPUSFLOW_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.resume();
  children.push(child);
  return child;
}

async function waitForProgress(workflowId: string, shardsDone: number): Promise<PipelineProgress> {
  const handle = testEnv.client.workflow.getHandle(workflowId);
  for (let attempt = 0; attempt < 600; attempt += 1) {
    const progress = await handle.query<PipelineProgress>('progress').catch(() => undefined);
    if (progress && progress.shardsDone >= shardsDone) return progress;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`run ${workflowId} did not reach ${shardsDone} shards`);
}

function shardDigests(output: string, shardCount: number) {
  return Array.from({ length: shardCount }, (_, index) => {
    const name = `shard-${String(index).padStart(5, '0')}`;
    const manifest = JSON.parse(readFileSync(path.join(output, 'extract', `${name}.manifest.json`), 'utf8')) as ShardManifest;
    return { documents: manifest.outputs.documents.sha256, records: manifest.outputs.documents.records, rejected: manifest.outputs.rejected.sha256 };
  });
}

function documentIds(output: string, shardCount: number): string[] {
  const ids: string[] = [];
  for (let index = 0; index < shardCount; index += 1) {
    const file = path.join(output, 'extract', `shard-${String(index).padStart(5, '0')}.jsonl.gz`);
    for (const line of gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter(Boolean)) ids.push((JSON.parse(line) as { id: string }).id);
  }
  return ids;
}

describe('pipeline after a worker crash', () => {
  it('finishes with the same outputs after SIGKILL and restart', { timeout: 400_000 }, async () => {
    const prefix = uniqueTaskQueue('crash');
    const input = (output: string) => ({
      input: path.join(sharedData, 'web'),
      exclude: ['**/*.gold.html'],
      output,
      shardSizeBytes: 1,
      shardsPerChild: 4,
      heartbeatTimeoutSeconds: 5,
      // Only extraction is compared; the later stages have their own rerun tests.
      filter: { enabled: false },
      exactDedup: { enabled: false },
      nearDedup: { enabled: false },
      decontaminate: { enabled: false },
      tokenize: { enabled: false },
    });

    let worker = startWorkerProcess(prefix);
    const interruptedOutput = tempDir('crash');
    const workflowId = uniqueTaskQueue('crashed-run');
    const handle = await testEnv.client.workflow.start('pipeline', { taskQueue: `${prefix}-cpu`, workflowId, args: [input(interruptedOutput)] });

    const before = await waitForProgress(workflowId, 8);
    worker.kill('SIGKILL');
    await new Promise((resolve) => worker.once('exit', resolve));
    expect(before.shardsDone).toBeLessThan(before.shardsTotal);

    worker = startWorkerProcess(prefix);
    const interrupted = (await handle.result()) as PipelineSummary;

    const cleanOutput = tempDir('clean');
    const clean = (await testEnv.client.workflow.execute('pipeline', {
      taskQueue: `${prefix}-cpu`,
      workflowId: uniqueTaskQueue('clean-run'),
      args: [input(cleanOutput)],
    })) as PipelineSummary;
    worker.kill('SIGTERM');

    expect(interrupted.shardCount).toBe(59);
    expect(interrupted.stages[0]!.stats).toEqual(clean.stages[0]!.stats);
    expect(shardDigests(interruptedOutput, 59)).toEqual(shardDigests(cleanOutput, 59));
    const ids = documentIds(interruptedOutput, 59);
    expect(ids).toHaveLength(clean.stages[0]!.stats.kept);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
