import { createHash } from 'node:crypto';
import { readFileSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineSummary } from '../../schemas/pipeline';
import type { Document, RejectedRecord } from '../../schemas/document';
import { failureMessage } from '../../cli/watch';
import { configHashAttribute, datasetAttribute, stageAttribute } from '../../schemas/search-attributes';
import { startTemporalDevServer, uniqueTaskQueue } from '../support/temporal';
import { createTestWorkers, withWorkers } from '../support/workers';
import { messyInputFolder, sharedData, tempDir } from '../support/fixtures';

let testEnv: TestWorkflowEnvironment;

beforeAll(async () => {
  testEnv = await startTemporalDevServer();
});

afterAll(async () => {
  await testEnv?.teardown();
});

/** Runs one pipeline with fresh workers: a Temporal worker cannot run again after it shut down. */
async function runPipeline(input: Record<string, unknown>, workflowId = uniqueTaskQueue('run')): Promise<PipelineSummary> {
  const workers = await createTestWorkers(testEnv, uniqueTaskQueue('pipeline'));
  return withWorkers(workers, () =>
    testEnv.client.workflow.execute('pipeline', { taskQueue: workers.workflowQueue, workflowId, args: [input] }),
  ) as Promise<PipelineSummary>;
}

async function failureOf(input: Record<string, unknown>): Promise<string> {
  try {
    await runPipeline(input);
  } catch (error) {
    expect(error).toBeInstanceOf(WorkflowFailedError);
    return failureMessage(error);
  }
  throw new Error('the pipeline was expected to fail');
}

function readJsonlGz<T>(file: string): T[] {
  const text = gunzipSync(readFileSync(file)).toString('utf8');
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as T);
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

describe('pipeline workflow', () => {
  it('extracts documents and rejects bad input with reasons', async () => {
    const input = messyInputFolder();
    const output = tempDir('out');
    const summary = await runPipeline({ input, output });

    const extract = summary.stages[0]!;
    expect(summary.inputFiles).toBe(7);
    expect(summary.skippedFiles).toEqual({ 'unsupported_extension:.txt': 1 });
    expect(extract.stats.droppedByReason).toMatchObject({
      binary_content: 1,
      unreadable_file: 1,
      truncated_input: 1,
      invalid_json: 1,
      missing_text_field: 1,
      invalid_text_field: 2,
    });
    expect(extract.stats.kept + extract.stats.dropped).toBe(extract.stats.total);

    const documents = readJsonlGz<Document>(path.join(output, 'extract/shard-00000.jsonl.gz'));
    expect(documents).toHaveLength(extract.stats.kept);
    expect(new Set(documents.map((document) => document.id)).size).toBe(documents.length);
    const bbc = documents.find((document) => document.metadata.inputUri.endsWith('bbc-1.html'));
    expect(bbc?.text.length).toBeGreaterThan(1000);
    const latin1 = documents.find((document) => document.metadata.inputUri.endsWith('latin1.html'));
    expect(latin1?.text).toContain('Die Größe der Städte wächst');
    expect(latin1?.metadata.legacyEncoding).toBe(true);
    expect(documents.filter((document) => document.metadata.inputUri.endsWith('crawl.warc.gz')).length).toBeGreaterThan(3);

    const rejected = readJsonlGz<RejectedRecord>(path.join(output, 'extract/rejected/shard-00000.jsonl.gz'));
    expect(rejected).toHaveLength(extract.stats.dropped);
    const binary = rejected.find((record) => record.reason === 'binary_content');
    expect(binary?.detail).toContain('image.html');
    expect(Buffer.from(binary!.rawBase64!, 'base64').subarray(0, 4).toString('latin1')).toBe('\x89PNG');
    expect(rejected.find((record) => record.reason === 'unreadable_file')?.detail).toContain('dangling.html');

    const manifest = JSON.parse(readFileSync(path.join(output, 'extract/shard-00000.manifest.json'), 'utf8'));
    expect(manifest.outputs.documents.sha256).toBe(sha256(path.join(output, 'extract/shard-00000.jsonl.gz')));
    expect(manifest.outputs.documents.records).toBe(documents.length);
    expect(manifest.inputs).toHaveLength(7);
    expect(readdirSync(path.join(output, 'extract'))).not.toContain('_parts');
  });

  it('skips shards whose manifest matches on a second run', async () => {
    const output = tempDir('out');
    const input = { input: path.join(sharedData, 'warc'), output, shardSizeBytes: 1 };
    const first = await runPipeline(input);
    const digests = first.stages[0]!.shards;
    const before = sha256(path.join(output, 'extract/shard-00001.jsonl.gz'));
    const second = await runPipeline(input);

    expect(first.stages[0]!.manifestHits).toBe(0);
    expect(second.stages[0]!.manifestHits).toBe(digests);
    expect(second.stages[0]!.stats).toEqual(first.stages[0]!.stats);
    expect(sha256(path.join(output, 'extract/shard-00001.jsonl.gz'))).toBe(before);
  });

  it('continues as new when a run reaches its child limit', async () => {
    const output = tempDir('out');
    const workflowId = uniqueTaskQueue('continued');
    const summary = await runPipeline(
      { input: path.join(sharedData, 'web/readability'), exclude: ['*.gold.html'], output, shardSizeBytes: 1, shardsPerChild: 2, maxChildrenPerRun: 3, maxConcurrentChildren: 2 },
      workflowId,
    );
    expect(summary.shardCount).toBe(18);
    expect(summary.stages[0]!.stats.kept).toBe(18);

    const runs: string[] = [];
    for await (const execution of testEnv.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(execution.status.name);
    // Three shard stages (extract, filter, tokenize) each start 9 children of 2 shards, 3 per run: 2 continuations each.
    expect(runs.filter((status) => status === 'CONTINUED_AS_NEW')).toHaveLength(6);
  });

  it('sets search attributes for filtering in the UI', async () => {
    const workflowId = uniqueTaskQueue('attributes');
    await runPipeline({ input: path.join(sharedData, 'warc/ukwa-IAH-urls-wget.warc.gz'), output: tempDir('out'), dataset: 'crawl-test' }, workflowId);
    const description = await testEnv.client.workflow.getHandle(workflowId).describe();
    expect(description.typedSearchAttributes.get(stageAttribute)).toBe('done');
    expect(description.typedSearchAttributes.get(datasetAttribute)).toBe('crawl-test');
    expect(description.typedSearchAttributes.get(configHashAttribute)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('fails with the path when the input does not exist', async () => {
    const message = await failureOf({ input: '/nonexistent/corpusflow-input', output: tempDir('out') });
    expect(message).toBe('Input not found: /nonexistent/corpusflow-input. Pass a folder, file, glob or s3:// prefix that exists.');
  });

  it('fails clearly on an empty folder', async () => {
    const empty = tempDir('empty');
    mkdirSync(path.join(empty, 'sub'));
    const message = await failureOf({ input: empty, output: tempDir('out') });
    expect(message).toContain(`No input files found under ${empty}`);
  });

  it('lists every invalid field of the input', async () => {
    const message = await failureOf({ input: 'x', shardSizeBytes: 'big', extract: { minTextChars: -1 }, colour: 'red' });
    expect(message).toContain('Invalid pipeline input:');
    expect(message).toContain('shardSizeBytes: Invalid input: expected number, received string');
    expect(message).toContain('extract.minTextChars: Too small: expected number to be >=0');
    expect(message).toContain('Unrecognized key: "colour"');
  });

  it('names a misspelled key inside a stage section', async () => {
    const message = await failureOf({ input: 'x', decontaminate: { enable: false }, nearDedup: { options: { similarityThresold: 0.9 } } });
    expect(message).toContain('decontaminate: Unrecognized key: "enable"');
    expect(message).toContain('nearDedup.options: Unrecognized key: "similarityThresold"');
  });
});
