// The nightly refresh on the real Temporal dev server, started through a Temporal Schedule.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDatasetForTraining } from '../../activities/dataset';
import { buildScheduleOptions } from '../../cli/commands/schedule';
import type { RejectedRecord } from '../../schemas/document';
import type { PipelineSummary } from '../../schemas/pipeline';
import type { LatestPointer, NightlyRefreshResult, VersionManifest, WatermarkEntry } from '../../schemas/refresh';
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

const pages = path.join(sharedData, 'web/readability');

function readJsonlGz<T>(file: string): T[] {
  return gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as T);
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** Triggers the schedule and returns the id of the run it started. */
async function triggerRun(client: Client, scheduleId: string): Promise<string> {
  const handle = client.schedule.getHandle(scheduleId);
  const before = (await handle.describe()).info.numActionsTaken;
  await handle.trigger();
  for (;;) {
    const description = await handle.describe();
    if (description.info.numActionsTaken > before) return description.info.recentActions.at(-1)!.action.workflow.workflowId;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('nightlyRefresh workflow', () => {
  let worker: Worker;
  let taskQueue: string;
  let running: Promise<void>;

  beforeAll(async () => {
    const prefix = uniqueTaskQueue('nightly');
    worker = await createOperationsWorker(testEnv.nativeConnection, prefix);
    running = worker.run();
    taskQueue = `${prefix}-cpu`;
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
  });

  it('processes only new inputs and drops text already published', async () => {
    const client = testEnv.client;
    const input = tempDir('nightly-input');
    const output = tempDir('nightly-output');
    for (const name of ['bbc-1.html', 'lemonde-1.html', 'heise.html']) copyFileSync(path.join(pages, name), path.join(input, name));

    // Near-dedup is off here so that the exact dedup against published versions does the work.
    const config = path.join(tempDir('nightly-config'), 'refresh.json');
    writeFileSync(config, JSON.stringify({ pipeline: { nearDedup: { enabled: false } } }));
    const scheduleId = uniqueTaskQueue('nightly-web');
    await client.schedule.create(
      buildScheduleOptions(scheduleId, { config, cron: ['0 3 * * *'], timeZone: 'Europe/Berlin', overlap: 'skip', catchupWindow: '1h', jitter: '5m', input, output, dataset: 'web', paused: true, searchAttributes: true }, taskQueue),
    );

    const firstId = await triggerRun(client, scheduleId);
    const first = (await client.workflow.getHandle(firstId).result()) as NightlyRefreshResult;
    expect(first).toMatchObject({ published: true, version: 1, newFiles: 3, knownFiles: 0, documents: 3, duplicates: 0 });

    // The next day brings a mirror of a page already published and one new page.
    copyFileSync(path.join(pages, 'bbc-1.html'), path.join(input, 'bbc-1-mirror.html'));
    copyFileSync(path.join(pages, 'folha.html'), path.join(input, 'folha.html'));
    const secondId = await triggerRun(client, scheduleId);
    const second = (await client.workflow.getHandle(secondId).result()) as NightlyRefreshResult;
    expect(second).toMatchObject({ published: true, version: 2, newFiles: 2, knownFiles: 3, documents: 1, duplicates: 1 });

    const manifest = readJson<VersionManifest>(path.join(output, 'versions/v0002/manifest.json'));
    const pipelineRun = (await client.workflow.getHandle(manifest.pipeline.workflowId).result()) as PipelineSummary;
    expect(pipelineRun.inputFiles).toBe(2);
    expect(manifest.previousVersion).toBe(1);
    expect(manifest.stats.droppedByReason).toEqual({ duplicate_of_published: 1 });
    expect(manifest.decontamination?.benchmarks.map((set) => set.name)).toEqual(['gsm8k', 'humaneval', 'mbpp', 'mmlu']);
    await expect(checkDatasetForTraining({ manifestUri: path.join(output, 'versions/v0002/manifest.json') })).resolves.toBeDefined();

    const kept = manifest.outputs.documents.flatMap((file) => readJsonlGz<{ metadata: { inputUri: string } }>(new URL(file.uri).pathname));
    expect(kept.map((document) => path.basename(document.metadata.inputUri))).toEqual(['folha.html']);
    const rejected = manifest.outputs.rejected.flatMap((file) => readJsonlGz<RejectedRecord>(new URL(file.uri).pathname));
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toBe('duplicate_of_published');
    expect(path.basename(rejected[0]!.inputUri)).toBe('bbc-1-mirror.html');
    expect(rejected[0]!.measurements).toMatchObject({ version: 1 });

    const watermark = readJsonlGz<WatermarkEntry>(path.join(output, 'versions/v0002/watermark.jsonl.gz'));
    expect(watermark.map((entry) => entry.path)).toEqual(['bbc-1-mirror.html', 'bbc-1.html', 'folha.html', 'heise.html', 'lemonde-1.html']);
    expect(readJson<LatestPointer>(path.join(output, 'latest.json')).version).toBe(2);

    const firstManifest = readJson<VersionManifest>(path.join(output, 'versions/v0001/manifest.json'));
    const firstDocuments = firstManifest.outputs.documents.flatMap((file) => readJsonlGz(new URL(file.uri).pathname));
    expect(firstDocuments).toHaveLength(3);
    expect(existsSync(path.join(output, '_refresh/v0002/input/folha.html'))).toBe(false);

    const third = (await client.workflow.getHandle(await triggerRun(client, scheduleId)).result()) as NightlyRefreshResult;
    expect(third).toMatchObject({ published: false, version: 2, newFiles: 0, knownFiles: 5 });
    expect(existsSync(path.join(output, 'versions/v0003'))).toBe(false);

    const description = await client.schedule.getHandle(scheduleId).describe();
    expect(description.policies.overlap).toBe('SKIP');
    expect(description.spec.timezone).toBe('Europe/Berlin');
    expect(description.state.paused).toBe(true);
    await client.schedule.getHandle(scheduleId).delete();
  });

  it('drops near duplicates of published text through the MinHash index', async () => {
    const input = tempDir('nightly-near-input');
    const output = tempDir('nightly-near-output');
    for (const name of ['bbc-1.html', 'lemonde-1.html']) copyFileSync(path.join(pages, name), path.join(input, name));
    const refresh = () => testEnv.client.workflow.execute('nightlyRefresh', { taskQueue, workflowId: uniqueTaskQueue('nightly-near'), args: [{ input, output }] }) as Promise<NightlyRefreshResult>;

    expect(await refresh()).toMatchObject({ published: true, version: 1, documents: 2 });
    copyFileSync(path.join(pages, 'bbc-1.html'), path.join(input, 'bbc-1-mirror.html'));
    copyFileSync(path.join(pages, 'folha.html'), path.join(input, 'folha.html'));
    const second = await refresh();
    expect(second).toMatchObject({ published: true, version: 2, newFiles: 2, documents: 1 });

    const manifest = readJson<VersionManifest>(path.join(output, 'versions/v0002/manifest.json'));
    const pipelineRun = (await testEnv.client.workflow.getHandle(manifest.pipeline.workflowId).result()) as PipelineSummary;
    const nearDedup = pipelineRun.stages.find((stage) => stage.stage === 'near-dedup');
    expect(nearDedup?.stats.dropped).toBe(1);
    const index = readJson<{ segments: unknown[] }>(path.join(output, 'near-dedup-index/index.json'));
    expect(index.segments).toHaveLength(2);
    const kept = manifest.outputs.documents.flatMap((file) => readJsonlGz<{ metadata: { inputUri: string } }>(new URL(file.uri).pathname));
    expect(kept.map((document) => path.basename(document.metadata.inputUri))).toEqual(['folha.html']);
  });

  it('rejects an invalid input with the field named', async () => {
    const run = testEnv.client.workflow.execute('nightlyRefresh', { taskQueue, workflowId: uniqueTaskQueue('nightly-bad'), args: [{ dataset: 7 }] });
    await expect(run).rejects.toThrow('Workflow execution failed');
    const error = await run.catch((failure: Error & { cause?: Error }) => failure.cause?.message);
    expect(error).toBe('Invalid nightlyRefresh input: dataset: Invalid input: expected string, received number');
  });
});
