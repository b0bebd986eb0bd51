// JsonlShardWriter and readJsonlLines through both storage implementations.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonlLines, readJsonlRecords } from '../../../activities/shards/jsonl-reader';
import { JsonlShardWriter } from '../../../activities/shards/jsonl-writer';
import { stageShardPaths } from '../../../activities/shards/paths';
import { storageFor } from '../../../activities/storage';
import { startS3Server, type S3TestServer } from '../../support/s3-server';
import { sha256Hex } from './storage-contract';

let server: S3TestServer;
let tempRoot: string;

beforeAll(async () => {
  server = await startS3Server();
  tempRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'corpusflow-shards-'));
});

afterAll(async () => {
  await server?.stop();
  if (tempRoot) await fs.rm(tempRoot, { recursive: true, force: true });
});

const documents = Array.from({ length: 2500 }, (_, index) => ({
  id: `doc-${index}`,
  text: `Document ${index} says ${'ünïcode '.repeat(index % 7)}\nwith a second line.`,
  source: 'test',
  metadata: { index },
}));

const stores: Array<[string, () => string]> = [
  ['local folder', () => pathToFileURL(tempRoot).href],
  ['S3', () => server.uri('run')],
];

describe.each(stores)('JSONL shards on %s', (_name, outputRoot) => {
  it('round-trips records through a gzip shard', async () => {
    const { documents: uri } = stageShardPaths(outputRoot(), 'extract', 3);
    const writer = await JsonlShardWriter.open(uri);

    for (const document of documents) await writer.write(document);
    const result = await writer.close();

    const storage = await storageFor(uri);
    const stored = await storage.readBytes(uri);
    expect(result.records).toBe(documents.length);
    expect(result.bytes).toBe(stored.length);
    expect(result.sha256).toBe(sha256Hex(stored));
    const read = [];
    for await (const record of readJsonlRecords(uri)) read.push(record);
    expect(read).toEqual(documents);
  });

  it('reads line numbers and byte offsets', async () => {
    const uri = `${outputRoot()}/plain/lines.jsonl`;
    const storage = await storageFor(uri);
    await storage.write(uri, '{"a":1}\n\n{"b":"é"}\n{"c":3}\n');

    const lines = [];
    for await (const line of readJsonlLines(uri)) lines.push(line);

    expect(lines).toEqual([
      { lineNumber: 1, byteOffset: 0, text: '{"a":1}' },
      { lineNumber: 3, byteOffset: 9, text: '{"b":"é"}' },
      { lineNumber: 4, byteOffset: 20, text: '{"c":3}' },
    ]);
  });

  it('writes an empty shard as valid gzip', async () => {
    const { rejected: uri } = stageShardPaths(outputRoot(), 'extract', 0);
    const writer = await JsonlShardWriter.open(uri);

    const result = await writer.close();

    const storage = await storageFor(uri);
    expect(result.records).toBe(0);
    expect(gunzipSync(await storage.readBytes(uri)).length).toBe(0);
  });
});

describe('JSONL shards on a missing bucket', () => {
  it('close rejects and names the bucket', async () => {
    const writer = await JsonlShardWriter.open('s3://corpusflow-missing-bucket/extract/shard-00000.jsonl.gz');

    for (const document of documents.slice(0, 10)) await writer.write(document);

    await expect(writer.close()).rejects.toThrow('bucket "corpusflow-missing-bucket" does not exist');
  });
});
