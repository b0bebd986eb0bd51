import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as activities from '../../activities/exact-dedup';
import { readJsonlRecords } from '../../activities/shards/jsonl-reader';
import { JsonlShardWriter } from '../../activities/shards/jsonl-writer';
import { shardName } from '../../schemas/layout';
import { allShardUris } from '../../schemas/shard-set';
import type { Document, RejectedRecord } from '../../schemas/document';
import type { ExactDedupInput } from '../../schemas/exact-dedup';
import { exactDedup } from '../../workflows/exact-dedup';
import { startTemporalDevServer, uniqueTaskQueue } from '../support/temporal';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let root: string;

beforeAll(async () => {
  env = await startTemporalDevServer();
  bundle = await bundleWorkflowCode({ workflowsPath: path.resolve(import.meta.dirname, '../../workflows/exact-dedup.ts') });
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'exact-dedup-workflow-'));
}, 120_000);

afterAll(async () => {
  await env?.teardown();
  await fs.rm(root, { recursive: true, force: true });
});

function document(id: string, text: string): Document {
  return { id, text, source: 'web', metadata: { inputUri: 'file:///input.jsonl', recordIndex: 0 } };
}

async function writeShards(folder: string, shards: unknown[][], name = (index: number) => `input-${index}.jsonl.gz`): Promise<string[]> {
  const uris: string[] = [];
  for (const [index, records] of shards.entries()) {
    const uri = pathToFileURL(path.join(root, folder, name(index))).href;
    const writer = await JsonlShardWriter.open(uri);
    for (const record of records) await writer.write(record);
    await writer.close();
    uris.push(uri);
  }
  return uris;
}

async function readAll<T>(uris: string[]): Promise<T[]> {
  const records: T[] = [];
  for (const uri of uris) for await (const record of readJsonlRecords<T>(uri)) records.push(record);
  return records;
}

async function run(input: ExactDedupInput) {
  const taskQueue = uniqueTaskQueue('exact-dedup');
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities });
  return worker.runUntil(
    env.client.workflow.execute(exactDedup, {
      args: [{ ...input, options: { batchSize: 2, concurrency: 2, ...input.options, taskQueue } }],
      taskQueue,
      workflowId: `${taskQueue}-workflow`,
    }),
  );
}

// Three shards so the per-shard phases need two child batches of two.
const corpus = [
  [document('a', 'The river flows to the sea.'), document('b', 'Winter came early that year.')],
  [document('c', 'THE RIVER FLOWS TO THE SEA'), document('d', 'A new text.')],
  [document('e', 'Winter came early, that year!'), document('f', 'Another new text.')],
];

describe('exactDedup workflow', () => {
  it('continues as new on a shard folder', async () => {
    await writeShards('folder-in', corpus, (index) => `${shardName(index)}.jsonl.gz`);
    const shards = { folder: pathToFileURL(path.join(root, 'folder-in')).href, count: corpus.length };

    // batchSize 1: 3 hash and 3 removal children, at most 2 per run, so 3 runs.
    const result = await run({ shards, outputUri: pathToFileURL(path.join(root, 'folder-out')).href, options: { batchSize: 1, maxChildrenPerRun: 2 } });

    expect(result.continuedRuns).toBe(2);
    expect(result.stats).toEqual({ total: 6, kept: 4, dropped: 2, droppedByReason: { exact_duplicate: 2 }, skippedByReason: {} });
    expect((await readAll<Document>(allShardUris(result.shards))).map((item) => item.id)).toEqual(['a', 'b', 'd', 'f']);
  }, 60_000);

  it('removes copies across shards in batches', async () => {
    const shardUris = await writeShards('happy', corpus);
    const outputUri = pathToFileURL(path.join(root, 'happy', 'out')).href;
    const result = await run({ shardUris, outputUri });

    expect(result.stats).toEqual({ total: 6, kept: 4, dropped: 2, droppedByReason: { exact_duplicate: 2 }, skippedByReason: {} });
    expect(result.duplicates).toBe(2);
    expect(result.shards.count).toBe(3);
    expect((await readAll<Document>(allShardUris(result.shards))).map((item) => item.id)).toEqual(['a', 'b', 'd', 'f']);
    const rejected = await readAll<RejectedRecord>(allShardUris(result.rejected));
    expect(rejected.map((record) => [record.id, record.measurements?.keptId])).toEqual([
      ['c', 'a'],
      ['e', 'b'],
    ]);
  }, 60_000);

  it('skips finished work when run again', async () => {
    const shardUris = await writeShards('again', corpus);
    const outputUri = pathToFileURL(path.join(root, 'again', 'out')).href;
    const first = await run({ shardUris, outputUri });
    const second = await run({ shardUris, outputUri });
    expect(first.manifestHits).toBe(0);
    expect(second.manifestHits).toBe(7);
    expect(second.stats).toEqual(first.stats);
  }, 60_000);

  it('fails at once on a record that is not a document', async () => {
    const shardUris = await writeShards('invalid', [[document('a', 'Fine.'), { id: 'b', text: 42 }]]);
    const outputUri = pathToFileURL(path.join(root, 'invalid', 'out')).href;
    const failure = await run({ shardUris, outputUri }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const messages: string[] = [];
    for (let cause = (failure as Error).cause as Error | undefined; cause; cause = cause.cause as Error | undefined) messages.push(cause.message);
    expect(messages.at(-1)).toBe(`Invalid document in ${shardUris[0]} at record 1, field text: Invalid input: expected string, received number`);
  }, 60_000);
});
