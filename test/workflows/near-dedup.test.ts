import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { WorkflowFailedError } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as activities from '../../activities/near-dedup';
import { readJsonlRecords } from '../../activities/shards/jsonl-reader';
import { JsonlShardWriter } from '../../activities/shards/jsonl-writer';
import { shardName } from '../../schemas/layout';
import { allShardUris, shardUriAt } from '../../schemas/shard-set';
import type { Document, RejectedRecord } from '../../schemas/document';
import type { NearDedupInput } from '../../schemas/near-dedup';
import { nearDedup } from '../../workflows/near-dedup';
import { TextGenerator } from '../activities/near-dedup/planted';
import { runHistoryEvents, startTemporalDevServer, uniqueTaskQueue } from '../support/temporal';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let root: string;

beforeAll(async () => {
  env = await startTemporalDevServer();
  bundle = await bundleWorkflowCode({ workflowsPath: path.resolve(import.meta.dirname, '../../workflows/near-dedup.ts') });
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'near-dedup-'));
});

afterAll(async () => {
  await env?.teardown();
  await fs.rm(root, { recursive: true, force: true });
});

function document(id: string, text: string, qualityScore?: number): Document {
  return { id, text, source: 'web', metadata: { inputUri: 'file:///input.jsonl', recordIndex: 0, ...(qualityScore === undefined ? {} : { qualityScore }) } };
}

/** Writes shards as input-<i>.jsonl.gz, or in the stage layout shard-0000<i>.jsonl.gz that a folder set names. */
async function writeShards(folder: string, shards: Document[][], name = (index: number) => `input-${index}.jsonl.gz`): Promise<string[]> {
  const uris: string[] = [];
  for (const [index, documents] of shards.entries()) {
    const uri = pathToFileURL(path.join(root, folder, name(index))).href;
    const writer = await JsonlShardWriter.open(uri);
    for (const item of documents) await writer.write(item);
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

async function run(input: NearDedupInput, workerActivities: typeof activities = activities) {
  const taskQueue = uniqueTaskQueue('near-dedup');
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: workerActivities });
  const workflowId = `${taskQueue}-workflow`;
  const handle = await env.client.workflow.start(nearDedup, {
    args: [{ ...input, options: { batchSize: 2, concurrency: 2, partitions: 2, ...input.options, taskQueue } }],
    taskQueue,
    workflowId,
  });
  const result = await worker.runUntil(handle.result());
  return { ...result, workflowId, firstRunId: handle.firstExecutionRunId };
}

/**
 * Replays a finished workflow's history against the current bundle, which fails on
 * nondeterminism. With CORPUSFLOW_RECORD_HISTORIES=1 it also stores the history as the fixture
 * that near-dedup-replay.test.ts replays against later versions.
 */
async function replayAndRecord(workflowId: string, fixture: string): Promise<void> {
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  await Worker.runReplayHistory({ workflowBundle: bundle }, history, workflowId);
  if (process.env.CORPUSFLOW_RECORD_HISTORIES === '1') {
    const plain = proto.temporal.api.history.v1.History.toObject(history as proto.temporal.api.history.v1.History, { longs: String, enums: String, bytes: String });
    await fs.writeFile(path.join(import.meta.dirname, 'histories', fixture), JSON.stringify({ workflowId, history: plain }) + '\n');
  }
}

/** Shards of unique documents that share a boilerplate header, plus planted copies. */
function plantedCorpus(seed: number) {
  const generator = new TextGenerator(seed);
  const boilerplate = `Home | About | Contact ${generator.words(40).join(' ')}`;
  const shards: Document[][] = Array.from({ length: 3 }, (_, shard) =>
    Array.from({ length: 20 }, (_, i) => document(`s${seed}-${shard}-${i}`, `${boilerplate}\n${generator.words(200).join(' ')}`)),
  );
  const original = shards[0]![3]!;
  const nearCopy = generator.editWords(original.text.split(' '), 0.01).join(' ');
  shards[2]!.push(document(`s${seed}-copy-high-score`, nearCopy, 0.9));
  shards[1]!.push(document(`s${seed}-copy-exact`, original.text));
  return { shards, original, generator };
}

describe('nearDedup workflow', () => {
  it('removes planted copies and keeps the best-scored one', async () => {
    const { shards, original } = plantedCorpus(1);
    const shardUris = await writeShards('first', shards);
    const outputUri = pathToFileURL(path.join(root, 'first-out')).href;

    const result = await run({ shardUris, outputUri });

    expect(result.stats.total).toBe(62);
    expect(result.stats.dropped).toBe(2);
    expect(result.stats.droppedByReason).toEqual({ near_duplicate: 2 });
    expect(result.clusters).toBe(1);
    const rejected = await readAll<RejectedRecord>(allShardUris(result.rejected));
    expect(rejected.map((record) => record.id).sort()).toEqual([original.id, 's1-copy-exact']);
    for (const record of rejected) {
      expect(record.reason).toBe('near_duplicate');
      expect(record.measurements?.keptId).toBe('s1-copy-high-score');
      expect(record.measurements?.clusterId).toMatch(/^ndc-[0-9a-f]{16}$/);
    }
    const kept = await readAll<Document>(allShardUris(result.shards));
    expect(kept).toHaveLength(60);
    const keeper = kept.find((item) => item.id === 's1-copy-high-score');
    expect(keeper?.metadata.nearDedupClusterId).toBe(rejected[0]!.measurements?.clusterId);
    const manifest = JSON.parse(await fs.readFile(new URL(shardUriAt(result.shards, 0).replace(/\.jsonl\.gz$/, '.manifest.json')), 'utf8'));
    expect(manifest.inputs[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.outputs[0].records).toBe(19);
    expect(manifest.outputs[1].records).toBe(1);

    await replayAndRecord(result.workflowId, 'near-dedup.json');
    await replayAndRecord(`${result.workflowId}-removal-00000`, 'near-dedup-batch.json');
  });

  it('retries a failed signature activity', async () => {
    const { shards, original } = plantedCorpus(4);
    const shardUris = await writeShards('retry', shards);
    const outputUri = pathToFileURL(path.join(root, 'retry-out')).href;
    let failures = 0;
    const flaky: typeof activities = {
      ...activities,
      computeShardSignatures: async (input) => {
        if (input.shardIndex === 1 && failures === 0) {
          failures += 1;
          throw new Error('simulated storage timeout');
        }
        return activities.computeShardSignatures(input);
      },
    };

    const result = await run({ shardUris, outputUri }, flaky);

    expect(failures).toBe(1);
    expect(result.stats.dropped).toBe(2);
    const rejected = await readAll<RejectedRecord>(allShardUris(result.rejected));
    expect(rejected.map((record) => record.id)).toContain(original.id);
  });

  it('skips every phase when rerun with matching manifests', async () => {
    const { shards } = plantedCorpus(2);
    const shardUris = await writeShards('rerun', shards);
    const outputUri = pathToFileURL(path.join(root, 'rerun-out')).href;

    const first = await run({ shardUris, outputUri });
    const second = await run({ shardUris, outputUri });

    expect(first.manifestHits).toBe(0);
    // 3 signature shards + 14 bands x 2 partitions + 1 cluster phase + 3 removal shards.
    expect(second.manifestHits).toBe(3 + 28 + 1 + 3);
    expect(second.stats).toEqual(first.stats);
  });

  it('deduplicates a later run against the published index', async () => {
    const { shards, generator } = plantedCorpus(3);
    const indexUri = pathToFileURL(path.join(root, 'index')).href;
    const firstUris = await writeShards('index-first', shards);
    const first = await run({ shardUris: firstUris, outputUri: pathToFileURL(path.join(root, 'index-first-out')).href, options: { indexUri } });
    expect(first.indexSegments).toBe(0);

    const published = shards[1]![5]!;
    const removedEarlier = shards[0]![3]!;
    const later = [
      [document('later-copy', generator.editWords(published.text.split(' '), 0.01).join(' '), 1)],
      [document('later-copy-of-removed', removedEarlier.text), document('later-new', generator.words(200).join(' '))],
    ];
    const laterUris = await writeShards('index-later', later);
    const second = await run({ shardUris: laterUris, outputUri: pathToFileURL(path.join(root, 'index-later-out')).href, options: { indexUri } });

    expect(second.indexSegments).toBe(1);
    const rejected = await readAll<RejectedRecord>(allShardUris(second.rejected));
    expect(rejected.map((record) => [record.id, record.measurements?.keptId])).toEqual([
      ['later-copy', published.id],
      ['later-copy-of-removed', 's3-copy-high-score'],
    ]);
    const index = JSON.parse(await fs.readFile(new URL(`${indexUri}/index.json`), 'utf8'));
    expect(index.segments).toHaveLength(2);
  });

  it('continues as new on a shard folder', async () => {
    const { shards } = plantedCorpus(6);
    await writeShards('folder-in', shards, (index) => `${shardName(index)}.jsonl.gz`);
    const input = { shards: { folder: pathToFileURL(path.join(root, 'folder-in')).href, count: shards.length } };

    const whole = await run({ ...input, outputUri: pathToFileURL(path.join(root, 'folder-whole-out')).href, options: { partitions: 1 } });
    // batchSize 1: 3 signature, 14 bucket and 3 removal children, at most 4 per run, so 5 runs.
    const continued = await run({
      ...input,
      outputUri: pathToFileURL(path.join(root, 'folder-continued-out')).href,
      options: { partitions: 1, batchSize: 1, maxChildrenPerRun: 4 },
    });

    expect(whole.continuedRuns).toBe(0);
    expect(continued.continuedRuns).toBe(4);
    expect(continued.stats).toEqual(whole.stats);
    expect(continued.stats.dropped).toBe(2);
    expect(continued.clusters).toBe(whole.clusters);
    expect(continued.shards).toEqual({ folder: pathToFileURL(path.join(root, 'folder-continued-out')).href, count: 3 });
    const keptIds = async (result: typeof whole) => (await readAll<Document>(allShardUris(result.shards))).map((item) => item.id);
    expect(await keptIds(continued)).toEqual(await keptIds(whole));
    const firstRun = await runHistoryEvents(env, continued.workflowId, continued.firstRunId);
    expect(firstRun.at(-1)?.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
    // Four children of three events each, plus the run's start, its workflow tasks and the hand-over.
    expect(firstRun.length).toBeLessThan(80);
  });

  it('fails at once on a setting outside options', async () => {
    const failure = await run({ shardUris: [], outputUri: pathToFileURL(path.join(root, 'misplaced-out')).href, batchSize: 1 } as NearDedupInput).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(String((failure as WorkflowFailedError).cause?.message)).toContain('Unrecognized key: "batchSize"');
  });

  it('fails without retries on a record that is not a document', async () => {
    const shardUris = await writeShards('invalid', [[document('fine', 'some text here'), { id: 'broken', source: 'web' } as unknown as Document]]);
    const outputUri = pathToFileURL(path.join(root, 'invalid-out')).href;

    const failure = await run({ shardUris, outputUri }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const messages: string[] = [];
    for (let cause = (failure as Error).cause; cause; cause = (cause as Error).cause) messages.push((cause as Error).message);
    expect(messages).toContain(`Invalid document in ${shardUris[0]} at record 1, field text: Invalid input: expected string, received undefined`);
  });
});
