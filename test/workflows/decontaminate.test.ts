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
import * as activities from '../../activities/decontaminate';
import { readJsonlRecords } from '../../activities/shards/jsonl-reader';
import { JsonlShardWriter } from '../../activities/shards/jsonl-writer';
import type { DecontaminateInput } from '../../schemas/decontaminate';
import { shardName } from '../../schemas/layout';
import { allShardUris } from '../../schemas/shard-set';
import type { Document, RejectedRecord } from '../../schemas/document';
import { decontaminate } from '../../workflows/decontaminate';
import { COMMON_MATH_TEXT, WEB_INTRO, WEB_OUTRO, benchRoot, disguise } from '../activities/decontaminate/fixtures';
import { TextGenerator } from '../activities/near-dedup/planted';
import { runHistoryEvents, startTemporalDevServer, uniqueTaskQueue } from '../support/temporal';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let root: string;
let gsm8kQuestion: string;
let humanEvalPrompt: string;

beforeAll(async () => {
  env = await startTemporalDevServer();
  bundle = await bundleWorkflowCode({ workflowsPath: path.resolve(import.meta.dirname, '../../workflows/decontaminate.ts') });
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'decontaminate-'));
  const gsm8k = (await fs.readFile(path.join(benchRoot, 'gsm8k/test.jsonl'), 'utf8')).split('\n');
  gsm8kQuestion = (JSON.parse(gsm8k[100]!) as { question: string }).question;
  for await (const task of readJsonlRecords<{ task_id: string; prompt: string }>(path.join(benchRoot, 'humaneval/HumanEval.jsonl.gz'))) {
    if (task.task_id === 'HumanEval/12') humanEvalPrompt = task.prompt;
  }
});

afterAll(async () => {
  await env?.teardown();
  await fs.rm(root, { recursive: true, force: true });
});

function document(id: string, text: string, source = 'web'): Document {
  return { id, text, source, metadata: { inputUri: 'file:///input.jsonl', recordIndex: 0 } };
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

async function run(input: DecontaminateInput, workerActivities: typeof activities = activities) {
  const taskQueue = uniqueTaskQueue('decontaminate');
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: workerActivities });
  const workflowId = `${taskQueue}-workflow`;
  const handle = await env.client.workflow.start(decontaminate, {
    args: [{ ...input, options: { benchmarkRoot: benchRoot, batchSize: 1, concurrency: 2, ...input.options, taskQueue } }],
    taskQueue,
    workflowId,
  });
  const result = await worker.runUntil(handle.result());
  return { ...result, workflowId, firstRunId: handle.firstExecutionRunId };
}

/**
 * Replays a finished workflow's history against the current bundle, which fails on
 * nondeterminism. With CORPUSFLOW_RECORD_HISTORIES=1 it also stores the history as the fixture
 * that decontaminate-replay.test.ts replays against later versions.
 */
async function replayAndRecord(workflowId: string, fixture: string): Promise<void> {
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  await Worker.runReplayHistory({ workflowBundle: bundle }, history, workflowId);
  if (process.env.CORPUSFLOW_RECORD_HISTORIES === '1') {
    const plain = proto.temporal.api.history.v1.History.toObject(history as proto.temporal.api.history.v1.History, { longs: String, enums: String, bytes: String });
    await fs.writeFile(path.join(import.meta.dirname, 'histories', fixture), JSON.stringify({ workflowId, history: plain }) + '\n');
  }
}

function plantedShards(): Document[][] {
  const generator = new TextGenerator(5);
  const filler = (count: number) => Array.from({ length: count }, (_, i) => document(`filler-${i}-${generator.integer(1e9)}`, generator.words(150).join(' ')));
  return [
    [...filler(5), document('forum-gsm8k', `${WEB_INTRO}\n\n${disguise(gsm8kQuestion)}\n\n${WEB_OUTRO}`)],
    [document('blog-humaneval', `${WEB_INTRO}\n<pre>${disguise(humanEvalPrompt)}</pre>\n${WEB_OUTRO}`, 'code'), ...filler(5)],
    [document('math-lesson', `${WEB_INTRO} ${COMMON_MATH_TEXT} ${WEB_OUTRO}`), ...filler(3)],
  ];
}

describe('decontaminate workflow', () => {
  it('removes planted benchmark text and reports each hit', async () => {
    const shardUris = await writeShards('planted', plantedShards());
    const outputUri = pathToFileURL(path.join(root, 'planted-out')).href;

    const result = await run({ shardUris, outputUri });

    expect(result.stats.total).toBe(16);
    expect(result.stats.droppedByReason).toEqual({ benchmark_ngram_match: 2 });
    expect(result.hits).toEqual({ gsm8k: { web: 1 }, humaneval: { code: 1 } });
    expect(result.benchmarks).toEqual(['gsm8k', 'humaneval', 'mbpp', 'mmlu']);
    const report = await readAll<{ documentId: string; matches: { benchmark: string; itemId: string; ngram: string }[] }>(allShardUris(result.reports));
    expect(report.map((line) => line.documentId)).toEqual(['forum-gsm8k', 'blog-humaneval']);
    expect(report[0]!.matches[0]!.itemId).toBe('test.jsonl:100');
    expect(report[0]!.matches[0]!.ngram.split(' ')).toHaveLength(13);
    expect(report[1]!.matches.every((match) => match.itemId === 'HumanEval/12')).toBe(true);
    const rejected = await readAll<RejectedRecord>(allShardUris(result.rejected));
    expect(rejected.map((record) => record.reason)).toEqual(['benchmark_ngram_match', 'benchmark_ngram_match']);
    const kept = await readAll<Document>(allShardUris(result.shards));
    expect(kept.map((item) => item.id)).toContain('math-lesson');

    const manifest = JSON.parse(await fs.readFile(new URL(result.manifestUri), 'utf8'));
    expect(manifest.details.decontaminatedAgainst.map((set: { name: string }) => set.name)).toEqual(['gsm8k', 'humaneval', 'mbpp', 'mmlu']);
    expect(manifest.inputs.find((file: { uri: string }) => file.uri.endsWith('gsm8k/test.jsonl')).sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.outputs).toHaveLength(3);

    await replayAndRecord(result.workflowId, 'decontaminate.json');
    await replayAndRecord(`${result.workflowId}-removal-00000`, 'decontaminate-batch.json');
  });

  it('continues as new on a shard folder', async () => {
    await writeShards('folder-in', plantedShards(), (index) => `${shardName(index)}.jsonl.gz`);
    const shards = { folder: pathToFileURL(path.join(root, 'folder-in')).href, count: 3 };

    // batchSize 1: 3 scan and 3 removal children, at most 2 per run, so 3 runs.
    const result = await run({ shards, outputUri: pathToFileURL(path.join(root, 'folder-out')).href, options: { maxChildrenPerRun: 2 } });

    expect(result.continuedRuns).toBe(2);
    expect(result.stats.total).toBe(16);
    expect(result.hits).toEqual({ gsm8k: { web: 1 }, humaneval: { code: 1 } });
    const kept = await readAll<Document>(allShardUris(result.shards));
    expect(kept.map((item) => item.id)).not.toContain('forum-gsm8k');
    expect(kept).toHaveLength(14);
    const firstRun = await runHistoryEvents(env, result.workflowId, result.firstRunId);
    expect(firstRun.at(-1)?.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
    // Two children of three events each, plus the run's start, its workflow tasks and the hand-over.
    expect(firstRun.length).toBeLessThan(40);
  });

  it('retries a failed scan activity', async () => {
    const shardUris = await writeShards('retry', plantedShards());
    const outputUri = pathToFileURL(path.join(root, 'retry-out')).href;
    let failures = 0;
    const flaky: typeof activities = {
      ...activities,
      scanShardForBenchmarkNgrams: async (input) => {
        if (input.shardIndex === 1 && failures === 0) {
          failures += 1;
          throw new Error('simulated storage timeout');
        }
        return activities.scanShardForBenchmarkNgrams(input);
      },
    };

    const result = await run({ shardUris, outputUri }, flaky);

    expect(failures).toBe(1);
    expect(result.hits).toEqual({ gsm8k: { web: 1 }, humaneval: { code: 1 } });
  });

  it('ignores benchmark n-grams common in the scanned documents', async () => {
    const quoted = (i: number) => document(`quote-${i}`, `${WEB_INTRO} ${gsm8kQuestion} ${WEB_OUTRO}`);
    const shardUris = await writeShards('common', [[quoted(0), quoted(1)], [quoted(2), quoted(3)]]);
    const outputUri = pathToFileURL(path.join(root, 'common-out')).href;

    const result = await run({ shardUris, outputUri, options: { commonDocumentCount: 3 } });

    expect(result.stats.dropped).toBe(0);
    expect(result.hits).toEqual({});
  });

  it('skips every phase when rerun with matching manifests', async () => {
    const shardUris = await writeShards('rerun', plantedShards());
    const outputUri = pathToFileURL(path.join(root, 'rerun-out')).href;

    const first = await run({ shardUris, outputUri });
    const second = await run({ shardUris, outputUri });

    expect(first.manifestHits).toBe(0);
    // The index, three scans and three removals.
    expect(second.manifestHits).toBe(7);
    expect(second.hits).toEqual(first.hits);
  });

  it('fails without retries on a missing benchmark file', async () => {
    const shardUris = await writeShards('missing', [[document('a', 'text')]]);
    const outputUri = pathToFileURL(path.join(root, 'missing-out')).href;
    const benchmarks = [{ name: 'gone', uri: 'gone/test.jsonl', fields: { question: ['question'] } }];

    const failure = await run({ shardUris, outputUri, options: { benchmarks } }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const messages: string[] = [];
    for (let cause = (failure as Error).cause; cause; cause = (cause as Error).cause) messages.push((cause as Error).message);
    expect(messages).toContain(
      `Benchmark file or folder ${pathToFileURL(path.join(benchRoot, 'gone/test.jsonl')).href} is missing or contains no .jsonl files: check benchmarkRoot and uri`,
    );
  });
});
