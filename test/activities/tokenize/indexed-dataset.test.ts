import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IndexedDatasetWriter, parseIndex, readIndex, readSequence } from '../../../activities/tokenize/indexed-dataset';
import { PADDED_VOCAB_SIZE, tokenDtypeFor } from '../../../activities/tokenize/vocabulary';
import { python } from './fixtures';

const folder = mkdtempSync(path.join(tmpdir(), 'indexed-dataset-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

interface PythonView {
  dtype: string;
  document_indices: number[];
  sequences: number[][];
}

function readWithPython(prefix: string): PythonView {
  const script = path.join(import.meta.dirname, 'read_indexed_dataset.py');
  return JSON.parse(execFileSync(python, [script, prefix], { maxBuffer: 64 * 1024 * 1024 }).toString('utf8')) as PythonView;
}

function randomDocuments(count: number, maxId: number): number[][] {
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  return Array.from({ length: count }, (_, index) => Array.from({ length: index === 3 ? 0 : next() % 700 }, () => next() % maxId));
}

describe('indexed dataset', () => {
  it('picks the dtype by vocabulary size', () => {
    expect(tokenDtypeFor(PADDED_VOCAB_SIZE)).toBe('int32');
    expect(tokenDtypeFor(65_499)).toBe('uint16');
    expect(tokenDtypeFor(65_500)).toBe('int32');
  });

  it('reads back with an independent Python reader', async () => {
    const documents = randomDocuments(50, PADDED_VOCAB_SIZE);
    documents.push(Array.from({ length: 300_000 }, (_, i) => (i * 31) % PADDED_VOCAB_SIZE));
    const prefix = path.join(folder, 'int32');
    const writer = await IndexedDatasetWriter.open(prefix, 'int32', PADDED_VOCAB_SIZE);
    for (const ids of documents) await writer.addDocument(ids);
    const result = await writer.close();

    const view = readWithPython(prefix);
    expect(view.dtype).toBe('int32');
    expect(view.document_indices).toEqual(documents.map((_, i) => i).concat(documents.length));
    expect(view.sequences).toEqual(documents);
    expect(result.documents).toBe(documents.length);
    expect(result.tokens).toBe(documents.reduce((sum, ids) => sum + ids.length, 0));
    expect(result.bin.bytes).toBe(result.tokens * 4);
  });

  it('writes uint16 ids for a small vocabulary', async () => {
    const documents = randomDocuments(20, 65_000);
    const prefix = path.join(folder, 'uint16');
    const writer = await IndexedDatasetWriter.open(prefix, 'uint16', 65_000);
    for (const ids of documents) await writer.addDocument(ids);
    const result = await writer.close();

    const view = readWithPython(prefix);
    expect(view.dtype).toBe('uint16');
    expect(view.sequences).toEqual(documents);
    expect(result.bin.bytes).toBe(result.tokens * 2);
  });

  it('reads sequences back with its own reader', async () => {
    const prefix = path.join(folder, 'int32');
    const index = await readIndex(prefix);
    expect(index.lengths.length).toBe(51);
    expect(Array.from(await readSequence(prefix, index, 50)).slice(0, 4)).toEqual([0, 31, 62, 93]);
    expect(Array.from(await readSequence(prefix, index, 3))).toEqual([]);
  });

  it('records the sha256 of each file', async () => {
    const prefix = path.join(folder, 'hashed');
    const writer = await IndexedDatasetWriter.open(prefix, 'int32', PADDED_VOCAB_SIZE);
    await writer.addDocument([1, 2, 3]);
    const result = await writer.close();
    const { createHash } = await import('node:crypto');
    expect(result.bin.sha256).toBe(createHash('sha256').update(readFileSync(`${prefix}.bin`)).digest('hex'));
    expect(result.idx.sha256).toBe(createHash('sha256').update(readFileSync(`${prefix}.idx`)).digest('hex'));
  });

  it('rejects ids outside the vocabulary', async () => {
    const writer = await IndexedDatasetWriter.open(path.join(folder, 'bad'), 'int32', PADDED_VOCAB_SIZE);
    await expect(writer.addDocument([5, PADDED_VOCAB_SIZE])).rejects.toThrow(
      'Token id 100352 at position 1 of document 0 is outside [0, 100352)',
    );
  });

  it('rejects an index without the magic header', () => {
    expect(() => parseIndex(Buffer.from('not an index at all, clearly not'), 'x.idx')).toThrow(
      'Invalid indexed dataset index x.idx: missing the MMIDIDX magic header',
    );
  });
});
