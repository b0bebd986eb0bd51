// Records the histories that test/replay/replay.test.ts replays: runs every workflow on a fresh
// Temporal dev server with the real workers and saves each history as JSON, one file per
// workflow type plus a few variants (continue-as-new, invalid input).
//   npx tsx test/replay/record.ts
// Rerun it when a workflow changes on purpose and no run of the old code is still open; a change
// to a workflow with open runs keeps the old history and uses patched() instead.
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { fetchHistories, historyToSavedObject, type HistoryToReplay } from '../../cli/commands/replay';
import { sharedData, tempDir } from '../support/fixtures';
import { startTemporalDevServer, uniqueTaskQueue } from '../support/temporal';
import { createOperationsWorker } from '../workflows/operations-workers';

export const historiesDir = path.resolve(import.meta.dirname, 'histories');

function workflowTypeOf(entry: HistoryToReplay): string {
  const started = entry.history.events?.[0]?.workflowExecutionStartedEventAttributes;
  return started?.workflowType?.name ?? 'unknown';
}

function save(name: string, entry: HistoryToReplay): void {
  const file = path.join(historiesDir, `${name}.json`);
  const saved = { workflowId: entry.workflowId, workflowType: workflowTypeOf(entry), ...historyToSavedObject(entry.history) };
  writeFileSync(file, JSON.stringify(saved, null, 1) + '\n');
  console.log(`saved ${path.relative(process.cwd(), file)} (${entry.history.events?.length ?? 0} events)`);
}

/** Saves the first history of every workflow type in `entries`. */
function saveOnePerType(entries: HistoryToReplay[], saved: Set<string>): void {
  for (const entry of entries) {
    const type = workflowTypeOf(entry);
    if (saved.has(type)) continue;
    saved.add(type);
    save(type, entry);
  }
}

async function recordNightlyRefresh(client: Client, taskQueue: string): Promise<HistoryToReplay[]> {
  const input = tempDir('record-input');
  const output = tempDir('record-output');
  for (const name of ['bbc-1.html', 'lemonde-1.html', 'heise.html']) copyFileSync(path.join(sharedData, 'web/readability', name), path.join(input, name));
  const workflowId = uniqueTaskQueue('record-nightly');
  await client.workflow.execute('nightlyRefresh', { taskQueue, workflowId, args: [{ input, output, pipeline: { shardSizeBytes: 1 } }] });
  return fetchHistories(client, workflowId, { children: true });
}

async function recordContinuedPipeline(client: Client, taskQueue: string): Promise<HistoryToReplay> {
  const workflowId = uniqueTaskQueue('record-continued');
  const handle = await client.workflow.start('pipeline', {
    taskQueue,
    workflowId,
    args: [{ input: path.join(sharedData, 'web/readability'), exclude: ['*.gold.html'], output: tempDir('record-continued'), shardSizeBytes: 1, shardsPerChild: 2, maxChildrenPerRun: 2, maxConcurrentChildren: 2, exactDedup: { enabled: false }, nearDedup: { enabled: false }, decontaminate: { enabled: false } }],
  });
  await handle.result();
  const [first] = await fetchHistories(client, workflowId, { runId: handle.firstExecutionRunId, children: false });
  return first!;
}

async function recordInvalidInput(client: Client, taskQueue: string): Promise<HistoryToReplay> {
  const workflowId = uniqueTaskQueue('record-invalid');
  await client.workflow.execute('pipeline', { taskQueue, workflowId, args: [{ shardSizeBytes: 'large' }] }).catch(() => undefined);
  const [history] = await fetchHistories(client, workflowId, { children: false });
  return history!;
}

async function main(): Promise<void> {
  const testEnv = await startTemporalDevServer();
  const prefix = uniqueTaskQueue('record');
  const worker = await createOperationsWorker(testEnv.nativeConnection, prefix);
  const taskQueue = `${prefix}-cpu`;
  try {
    await worker.runUntil(async () => {
      mkdirSync(historiesDir, { recursive: true });
      for (const file of readdirSync(historiesDir)) if (file.endsWith('.json')) rmSync(path.join(historiesDir, file));
      const saved = new Set<string>();
      saveOnePerType(await recordNightlyRefresh(testEnv.client, taskQueue), saved);
      save('pipeline-continued-as-new', await recordContinuedPipeline(testEnv.client, taskQueue));
      save('pipeline-invalid-input', await recordInvalidInput(testEnv.client, taskQueue));
    });
  } finally {
    await testEnv.teardown();
  }
}

await main();
