import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readInputFile, type InputRecord } from '../../../activities/read';
import type { HtmlInputRecord, RejectedInputRecord } from '../../../activities/read/records';
import { sharedData, tempDir, truncatedWarc, PNG_BYTES } from '../../support/fixtures';

const options = { maxRecordBytes: 1024 * 1024, textField: 'text', idField: 'id' };

async function collect(file: string, format: 'html' | 'warc' | 'jsonl', size = 0): Promise<InputRecord[]> {
  const records: InputRecord[] = [];
  for await (const record of readInputFile({ uri: file, size, format }, options)) records.push(record);
  return records;
}

function isRejected(record: InputRecord): record is RejectedInputRecord {
  return record.kind === 'rejected';
}

function countByKind(records: InputRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const record of records) {
    const key = record.kind === 'rejected' || record.kind === 'skipped' ? `${record.kind}:${record.reason}` : record.kind;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('WARC reader', () => {
  it('yields the HTML responses of a real WARC.gz and counts the other records', async () => {
    const records = await collect(path.join(sharedData, 'warc/ukwa-IAH-urls-wget.warc.gz'), 'warc');
    const counts = countByKind(records);
    expect(counts.html).toBe(2);
    expect(counts['skipped:warc_request_record']).toBe(16);
    expect(counts['skipped:warc_http_status_302']).toBe(7);
    expect(counts['skipped:warc_http_status_301']).toBe(2);
    const page = records.find((record): record is HtmlInputRecord => record.kind === 'html');
    expect(page?.url).toMatch(/^https?:\/\//);
  });

  it('keeps the records before the break of a truncated WARC.gz', async () => {
    const dir = tempDir('warc');
    const file = path.join(dir, 'cut.warc.gz');
    writeFileSync(file, truncatedWarc(60_000));
    const records = await collect(file, 'warc');
    const rejected = records.filter(isRejected);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ reason: 'truncated_input' });
    expect(rejected[0]?.detail).toContain('cut.warc.gz');
    expect(records.filter((record) => record.kind === 'html').length).toBeGreaterThan(3);
  });

  it('rejects a record whose header block is damaged', async () => {
    const records = await collect(path.join(sharedData, 'warc/ukwa-IAH-20080430204825-00000-blackbook-truncated.warc.gz'), 'warc');
    const damaged = records.find(isRejected);
    expect(damaged).toMatchObject({ reason: 'invalid_warc_record', recordIndex: 2 });
    expect(damaged?.rawBytes?.length).toBeGreaterThan(0);
  });
});

describe('JSONL reader', () => {
  it('rejects bad lines with their line number and keeps the good ones', async () => {
    const dir = tempDir('jsonl');
    const file = path.join(dir, 'docs.jsonl');
    const invalidUtf8 = Buffer.concat([Buffer.from('{"text":"caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]);
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from('{"id":"x","text":"good one"}\n\n{"text": broken}\n{"body":"no text"}\n{"text":["list"]}\n[1,2]\n'),
        invalidUtf8,
        Buffer.from('{"id":"y","text":"last line has no newline"}'),
      ]),
    );
    const records = await collect(file, 'jsonl');
    expect(countByKind(records)).toEqual({
      text: 2,
      'rejected:invalid_json': 2,
      'rejected:missing_text_field': 1,
      'rejected:invalid_text_field': 2,
    });
    const broken = records.filter(isRejected).find((record) => record.reason === 'invalid_json');
    expect(broken?.detail).toContain('docs.jsonl line 3');
    expect(broken?.raw).toBe('{"text": broken}');
    const utf8 = records.filter(isRejected).find((record) => record.detail.includes('UTF-8'));
    expect(utf8?.rawBytes).toBeDefined();
    expect(Buffer.from(utf8!.rawBytes!).includes(0xe9)).toBe(true);
    expect(records.at(-1)).toMatchObject({ kind: 'text', sourceId: 'y', recordIndex: 6 });
  });

  it('rejects a line over the size limit without loading all of it', async () => {
    const dir = tempDir('jsonl');
    const file = path.join(dir, 'huge.jsonl');
    writeFileSync(file, `{"text":"${'a'.repeat(3 * 1024 * 1024)}"}\n{"text":"small"}\n`);
    const records = await collect(file, 'jsonl');
    expect(records[0]).toMatchObject({ kind: 'rejected', reason: 'document_too_large' });
    expect(records[1]).toMatchObject({ kind: 'text', text: 'small' });
  });

  it('reads gzip-compressed JSONL', async () => {
    const { gzipSync } = await import('node:zlib');
    const dir = tempDir('jsonl');
    const file = path.join(dir, 'docs.jsonl.gz');
    writeFileSync(file, gzipSync('{"text":"one"}\n{"text":"two"}\n'));
    const records = await collect(file, 'jsonl');
    expect(records.map((record) => record.kind === 'text' && record.text)).toEqual(['one', 'two']);
  });
});

describe('HTML file reader', () => {
  it('rejects a page over the size limit by its size alone', async () => {
    const dir = tempDir('html');
    const file = path.join(dir, 'big.html');
    writeFileSync(file, PNG_BYTES);
    const records: InputRecord[] = [];
    for await (const record of readInputFile({ uri: file, size: 2 * 1024 * 1024, format: 'html' }, options)) records.push(record);
    expect(records).toEqual([expect.objectContaining({ kind: 'rejected', reason: 'document_too_large' })]);
  });

  it('reports a file that cannot be opened as unreadable', async () => {
    const records = await collect(path.join(tempDir('html'), 'gone.html'), 'html');
    expect(records).toEqual([expect.objectContaining({ kind: 'rejected', reason: 'unreadable_file' })]);
  });
});
