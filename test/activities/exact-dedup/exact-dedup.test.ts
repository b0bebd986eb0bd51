import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExactDuplicateFinder, findExactDuplicates } from '../../../activities/exact-dedup/find-duplicates';
import { hashShardDocuments } from '../../../activities/exact-dedup/hash-shard';
import { exactDedupHash } from '../../../activities/exact-dedup/normalize';
import { removeExactDuplicates } from '../../../activities/exact-dedup/remove-duplicates';
import { readJsonlRecords } from '../../../activities/shards/jsonl-reader';
import { JsonlShardWriter } from '../../../activities/shards/jsonl-writer';
import type { Document, RejectedRecord } from '../../../schemas/document';

let root: string;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'exact-dedup-'));
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

function document(id: string, text: string): Document {
  return { id, text, source: 'web', metadata: { inputUri: 'file:///input.jsonl', recordIndex: 0 } };
}

async function writeShards(folder: string, shards: Document[][]): Promise<string[]> {
  const uris: string[] = [];
  for (const [index, documents] of shards.entries()) {
    const uri = pathToFileURL(path.join(root, folder, `input-${index}.jsonl.gz`)).href;
    const writer = await JsonlShardWriter.open(uri);
    for (const item of documents) await writer.write(item);
    await writer.close();
    uris.push(uri);
  }
  return uris;
}

async function readAll<T>(uri: string): Promise<T[]> {
  const records: T[] = [];
  for await (const record of readJsonlRecords<T>(uri)) records.push(record);
  return records;
}

describe('exact dedup normalisation', () => {
  it('ignores case, punctuation and spacing', () => {
    expect(exactDedupHash('Hello, World!  How are you?')).toBe(exactDedupHash('hello world\nhow are you'));
  });

  it('folds compatibility forms and look-alike letters', () => {
    // Fullwidth letters (NFKC) and Cyrillic "е" and "о" that render like Latin ones.
    expect(exactDedupHash('ｔｈｅ　ｒｉｖｅｒ')).toBe(exactDedupHash('the river'));
    expect(exactDedupHash('thе rivеr flоws')).toBe(exactDedupHash('the river flows'));
  });

  it('keeps different words and digits apart', () => {
    expect(exactDedupHash('the river flows')).not.toBe(exactDedupHash('the river froze'));
    expect(exactDedupHash('chapter 1')).not.toBe(exactDedupHash('chapter 2'));
  });

  it('gives text without words an empty hash', () => {
    expect(exactDedupHash(' ...  !!! \n')).toBe('');
    expect(exactDedupHash('a')).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('exact duplicate finder', () => {
  it('keeps the first copy in shard order', () => {
    const finder = new ExactDuplicateFinder();
    expect(finder.addShard(0, [{ id: 'a', hash: 'h1' }, { id: 'b', hash: 'h2' }, { id: 'c', hash: 'h1' }])).toEqual([
      { recordIndex: 2, id: 'c', hash: 'h1', keptId: 'a', keptShardIndex: 0 },
    ]);
    expect(finder.addShard(1, [{ id: 'd', hash: 'h2' }, { id: 'e', hash: 'h3' }])).toEqual([
      { recordIndex: 0, id: 'd', hash: 'h2', keptId: 'b', keptShardIndex: 0 },
    ]);
  });

  it('never marks texts without words', () => {
    const finder = new ExactDuplicateFinder();
    expect(finder.addShard(0, [{ id: 'a', hash: '' }, { id: 'b', hash: '' }])).toEqual([]);
  });

  it('rejects shards out of order', () => {
    const finder = new ExactDuplicateFinder();
    finder.addShard(2, []);
    expect(() => finder.addShard(1, [])).toThrow('Shards must be added in increasing order: got shard 1 after shard 2');
  });
});

describe('exact dedup activities', () => {
  const shards = [
    [document('a', 'The river flows to the sea.'), document('b', 'A second text.'), document('c', 'the river flows, to the sea')],
    [document('d', 'A SECOND TEXT'), document('e', 'Something new.'), document('f', '')],
    [document('g', ''), document('h', 'The river flows to the sea!')],
  ];

  it('removes later copies and records the kept id and hash', async () => {
    const shardUris = await writeShards('run-1', shards);
    const outputUri = pathToFileURL(path.join(root, 'run-1', 'out')).href;

    for (const [shardIndex, shardUri] of shardUris.entries()) {
      const hashed = await hashShardDocuments({ outputUri, shardUri, shardIndex });
      expect(hashed).toMatchObject({ shardIndex, documents: shards[shardIndex]!.length, skipped: false });
    }
    expect(await findExactDuplicates({ outputUri, shardCount: 3 })).toEqual({ documents: 8, duplicates: 3, skipped: false });

    const removed = [];
    for (const [shardIndex, shardUri] of shardUris.entries()) removed.push(await removeExactDuplicates({ outputUri, shardUri, shardIndex }));
    expect(removed.map((result) => result.stats.dropped)).toEqual([1, 1, 1]);
    expect(removed[0]!.stats).toEqual({ total: 3, kept: 2, dropped: 1, droppedByReason: { exact_duplicate: 1 }, skippedByReason: {} });

    const kept = [];
    for (const result of removed) kept.push(...(await readAll<Document>(result.shardUri)));
    expect(kept.map((item) => item.id)).toEqual(['a', 'b', 'e', 'f', 'g']);
    expect(kept[0]!.metadata.exactDedupHash).toBe(exactDedupHash('The river flows to the sea.'));

    const rejected = await readAll<RejectedRecord>(removed[2]!.rejectedUri);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({
      id: 'h',
      stage: 'exact-dedup',
      reason: 'exact_duplicate',
      recordIndex: 1,
      measurements: { hash: exactDedupHash('The river flows to the sea.'), keptId: 'a', keptShardIndex: 0 },
    });
    expect(rejected[0]!.detail).toContain('same normalised text as a (shard 0)');
    expect(JSON.parse(rejected[0]!.raw!)).toMatchObject({ id: 'h' });
  });

  it('skips every phase on a second run', async () => {
    const shardUris = await writeShards('run-2', shards);
    const outputUri = pathToFileURL(path.join(root, 'run-2', 'out')).href;
    const runAll = async () => {
      const hashed = [];
      for (const [shardIndex, shardUri] of shardUris.entries()) hashed.push(await hashShardDocuments({ outputUri, shardUri, shardIndex }));
      const found = await findExactDuplicates({ outputUri, shardCount: shardUris.length });
      const removed = [];
      for (const [shardIndex, shardUri] of shardUris.entries()) removed.push(await removeExactDuplicates({ outputUri, shardUri, shardIndex }));
      return { hashed, found, removed };
    };

    const first = await runAll();
    const second = await runAll();
    expect(second.hashed.every((result) => result.skipped)).toBe(true);
    expect(second.found.skipped).toBe(true);
    expect(second.removed.every((result) => result.skipped)).toBe(true);
    expect(second.removed.map((result) => result.stats)).toEqual(first.removed.map((result) => result.stats));
  });

  it('redoes the hash phase when the shard changes', async () => {
    const [shardUri] = await writeShards('run-3', [[document('a', 'First text.')]]);
    const outputUri = pathToFileURL(path.join(root, 'run-3', 'out')).href;
    await hashShardDocuments({ outputUri, shardUri: shardUri!, shardIndex: 0 });
    await writeShards('run-3', [[document('a', 'First text.'), document('b', 'Second text.')]]);
    expect(await hashShardDocuments({ outputUri, shardUri: shardUri!, shardIndex: 0 })).toMatchObject({ documents: 2, skipped: false });
  });

  it('fails without retry on a record that is not a document', async () => {
    const uri = pathToFileURL(path.join(root, 'run-4', 'input-0.jsonl.gz')).href;
    const writer = await JsonlShardWriter.open(uri);
    await writer.write({ id: 'a', text: 'Fine.', source: 'web', metadata: { inputUri: 'x', recordIndex: 0 } });
    await writer.write({ id: 'b', source: 'web', metadata: { inputUri: 'x', recordIndex: 1 } });
    await writer.close();
    const outputUri = pathToFileURL(path.join(root, 'run-4', 'out')).href;
    await expect(hashShardDocuments({ outputUri, shardUri: uri, shardIndex: 0 })).rejects.toMatchObject({
      type: 'InvalidDocument',
      nonRetryable: true,
      message: `Invalid document in ${uri} at record 1, field text: Invalid input: expected string, received undefined`,
    });
  });
});
