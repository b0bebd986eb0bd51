// The pipeline reading from and writing to a real S3-compatible server (moto, on loopback).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineSummary } from '../../schemas/pipeline';
import type { Document } from '../../schemas/document';
import { S3Storage } from '../../activities/storage/s3';
import { startTemporalDevServer, uniqueTaskQueue } from '../support/temporal';
import { startS3Server, type S3TestServer } from '../support/s3-server';
import { createTestWorkers, withWorkers } from '../support/workers';
import { sharedData } from '../support/fixtures';

let testEnv: TestWorkflowEnvironment;
let s3: S3TestServer;

beforeAll(async () => {
  [testEnv, s3] = await Promise.all([startTemporalDevServer(), startS3Server()]);
});

afterAll(async () => {
  await s3?.stop();
  await testEnv?.teardown();
});

describe('pipeline on S3', () => {
  it('reads input from and writes shards and manifests to S3', async () => {
    const storage = new S3Storage();
    const pages = ['readability/bbc-1.html', 'readability/lwn-1.html'];
    for (const page of pages) await storage.write(s3.uri(`in/pages/${path.basename(page)}`), readFileSync(path.join(sharedData, 'web', page)));
    await storage.write(s3.uri('in/crawl.warc.gz'), readFileSync(path.join(sharedData, 'warc/ukwa-IAH-urls-wget.warc.gz')));

    const workers = await createTestWorkers(testEnv, uniqueTaskQueue('s3'));
    const summary = (await withWorkers(workers, () =>
      testEnv.client.workflow.execute('pipeline', {
        taskQueue: workers.workflowQueue,
        workflowId: uniqueTaskQueue('s3-run'),
        args: [{ input: s3.uri('in/'), output: s3.uri('out') }],
      }),
    )) as PipelineSummary;

    expect(summary.inputFiles).toBe(3);
    expect(summary.manifestUri).toBe(s3.uri('out/manifest.json'));
    const shard = gunzipSync(await storage.readBytes(s3.uri('out/extract/shard-00000.jsonl.gz'))).toString('utf8');
    const documents = shard.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Document);
    expect(documents).toHaveLength(summary.stages[0]!.stats.kept);
    expect(documents.some((document) => document.metadata.inputUri === s3.uri('in/pages/bbc-1.html'))).toBe(true);
    const manifest = JSON.parse((await storage.readBytes(s3.uri('out/extract/shard-00000.manifest.json'))).toString('utf8'));
    expect(manifest.inputs.map((file: { uri: string }) => file.uri)).toEqual([s3.uri('in/crawl.warc.gz'), s3.uri('in/pages/bbc-1.html'), s3.uri('in/pages/lwn-1.html')]);
    const leftovers: string[] = [];
    for await (const object of storage.list(s3.uri('out/extract/_parts'))) leftovers.push(object.uri);
    expect(leftovers).toEqual([]);
  });
});
