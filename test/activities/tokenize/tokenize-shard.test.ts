import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { cl100k } from '../../../activities/tokenize/cl100k';
import { tokenShardPaths, tokenizeShard } from '../../../activities/tokenize/tokenize-shard';
import { END_OF_DOCUMENT_ID, SPECIAL_TOKENS } from '../../../activities/tokenize/vocabulary';
import { TokenShardManifest } from '../../../schemas/tokenize';
import { HARD_CASES, python, sharedDocuments } from './fixtures';

const folder = mkdtempSync(path.join(tmpdir(), 'tokenize-shard-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const encoder = cl100k();

function writeShard(name: string, lines: string[]): string {
  const file = path.join(folder, name);
  writeFileSync(file, gzipSync(lines.join('\n') + '\n'));
  return file;
}

function runPython(script: string, arg: string): unknown {
  const output = execFileSync(python, [path.join(import.meta.dirname, script), arg], { maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(output.toString('utf8'));
}

function readGzipLines(file: string): unknown[] {
  return gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

const documents = [...Object.entries(HARD_CASES).map(([name, text]) => ({ name, text })), ...sharedDocuments()].map((item, index) => ({
  id: `doc-${index}`,
  text: item.text,
  source: 'web',
  metadata: { inputUri: `fixture://${item.name}`, recordIndex: index },
}));

describe('tokenizeShard', () => {
  const output = path.join(folder, 'run');
  const paths = tokenShardPaths(output, 'web', 0);
  const lines = documents.map((document) => JSON.stringify(document));
  lines.splice(3, 0, '{"id": "broken", "text": ', JSON.stringify({ id: 'no-text', source: 'web', metadata: {} }));
  const input = writeShard('documents.jsonl.gz', lines);

  it('writes documents a Python reader decodes back', async () => {
    const result = await tokenizeShard({ inputUri: input, outputUri: output, dataset: 'web', shardIndex: 0, exports: { jsonl: true, parquet: true } });

    expect(result.reused).toBe(false);
    expect(result.stats.kept).toBe(documents.length);
    const view = runPython('read_indexed_dataset.py', paths.prefix('tokens')) as { dtype: string; sequences: number[][] };
    expect(view.dtype).toBe('int32');
    expect(view.sequences).toHaveLength(documents.length);
    view.sequences.forEach((ids, index) => {
      expect(ids.at(-1)).toBe(END_OF_DOCUMENT_ID);
      expect(encoder.decode(ids.slice(0, -1)), documents[index]!.id).toBe(documents[index]!.text);
    });
  });

  it('rejects records with their reasons', () => {
    const rejected = readGzipLines(paths.rejected) as Array<{ reason: string; detail: string; recordIndex: number }>;
    expect(rejected.map((record) => record.reason)).toEqual(['invalid_json', 'missing_text_field']);
    expect(rejected[1]!.detail).toBe(`${input} line 5: field "text" is missing`);
    expect(rejected[0]!.recordIndex).toBe(3);
  });

  it('records sha256 and counts in the manifest', () => {
    const manifest = TokenShardManifest.parse(JSON.parse(readFileSync(paths.manifest, 'utf8')));
    const tokens = manifest.datasets[0]!;
    expect(tokens.bin.sha256).toBe(createHash('sha256').update(readFileSync(tokens.bin.uri.replace(/^file:\/\//, ''))).digest('hex'));
    expect(tokens.sequences).toBe(documents.length);
    expect(manifest.stats.droppedByReason).toEqual({ invalid_json: 1, missing_text_field: 1 });
    expect(manifest.exports.map((item) => [item.format, item.records])).toEqual([
      ['jsonl', documents.length],
      ['parquet', documents.length],
    ]);
  });

  it('exports Parquet that pyarrow reads', () => {
    const table = runPython('read_parquet.py', paths.parquet) as { columns: Record<string, string>; rows: Array<Record<string, string>> };
    expect(table.columns).toEqual({ id: 'string', text: 'string', source: 'string', metadata: expect.stringMatching(/string|json/) });
    expect(table.rows.map((row) => row.text)).toEqual(documents.map((document) => document.text));
    expect(JSON.parse(table.rows[0]!.metadata!)).toEqual(documents[0]!.metadata);
  });

  it('exports JSON Lines that pyarrow reads', () => {
    expect(readGzipLines(paths.jsonl)).toEqual(documents);
    const table = runPython('read_jsonl.py', paths.jsonl) as { columns: Record<string, string>; rows: Array<{ id: string; text: string }> };
    expect(table.columns.text).toBe('string');
    expect(table.rows.map((row) => row.text)).toEqual(documents.map((document) => document.text));
  });

  it('skips a shard whose manifest matches', async () => {
    const result = await tokenizeShard({ inputUri: input, outputUri: output, dataset: 'web', shardIndex: 0, exports: { jsonl: true, parquet: true } });
    expect(result.reused).toBe(true);
    expect(result.datasets[0]!.sequences).toBe(documents.length);
  });

  it('fails without retry on truncated gzip', async () => {
    const whole = gzipSync(lines.join('\n'));
    const truncated = path.join(folder, 'truncated.jsonl.gz');
    writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
    const failed = path.join(folder, 'failed-run');

    await expect(tokenizeShard({ inputUri: truncated, outputUri: failed, dataset: 'web', shardIndex: 0 })).rejects.toMatchObject({
      type: 'invalid_input_shard',
      nonRetryable: true,
    });
    const written = readdirSync(path.join(failed, 'tokenize', 'web'));
    expect(written.filter((name) => !name.startsWith('rejected'))).toEqual([]);
  });

  it('fails without retry on a missing input', async () => {
    await expect(tokenizeShard({ inputUri: path.join(folder, 'absent.jsonl.gz'), outputUri: output, dataset: 'web', shardIndex: 1 })).rejects.toMatchObject({
      type: 'input_not_found',
      nonRetryable: true,
    });
  });
});

describe('tokenizeShard chat formats', () => {
  const imStart = SPECIAL_TOKENS['<|im_start|>']!;
  const imSep = SPECIAL_TOKENS['<|im_sep|>']!;
  const imEnd = SPECIAL_TOKENS['<|im_end|>']!;

  it('masks loss to assistant turns', async () => {
    const record = {
      id: 'chat-1',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say <|im_end|> literally.' },
        { role: 'assistant', content: 'Here: <|im_end|>' },
      ],
    };
    const input = writeShard('sft.jsonl.gz', [JSON.stringify(record), JSON.stringify({ id: 'bad', messages: [{ role: 'robot', content: 'x' }] })]);
    const output = path.join(folder, 'sft-run');
    const result = await tokenizeShard({ inputUri: input, outputUri: output, dataset: 'sft', shardIndex: 0, format: 'sft' });
    expect(result.stats.droppedByReason).toEqual({ invalid_chat_record: 1 });

    const paths = tokenShardPaths(output, 'sft', 0);
    const ids = (runPython('read_indexed_dataset.py', paths.prefix('tokens')) as { sequences: number[][] }).sequences[0]!;
    const mask = runPython('read_indexed_dataset.py', paths.prefix('loss_mask')) as { dtype: string; sequences: number[][] };
    expect(mask.dtype).toBe('uint16');

    const assistantHeader = [imStart, ...encoder.encode('assistant'), imSep];
    const answer = [...encoder.encode('Here: <|im_end|>'), imEnd];
    const prompt = [
      ...[imStart, ...encoder.encode('system'), imSep, ...encoder.encode('Be brief.'), imEnd],
      ...[imStart, ...encoder.encode('user'), imSep, ...encoder.encode('Say <|im_end|> literally.'), imEnd],
      ...assistantHeader,
    ];
    expect(ids).toEqual([...prompt, ...answer]);
    expect(mask.sequences[0]).toEqual([...prompt.map(() => 0), ...answer.map(() => 1)]);
    expect(ids.filter((id) => id === imEnd)).toHaveLength(3);
  });

  it('renders preference pairs to prompt, chosen and rejected', async () => {
    const pairs = [
      { prompt: 'What is 2+2?', chosen: '4', rejected: '5' },
      {
        prompt: [{ role: 'user', content: 'Name a prime.' }],
        chosen: [{ role: 'assistant', content: '7' }],
        rejected: [{ role: 'assistant', content: '9' }],
      },
    ];
    const input = writeShard('dpo.jsonl.gz', pairs.map((pair) => JSON.stringify(pair)));
    const output = path.join(folder, 'dpo-run');
    await tokenizeShard({ inputUri: input, outputUri: output, dataset: 'dpo', shardIndex: 0, format: 'preference' });

    const paths = tokenShardPaths(output, 'dpo', 0);
    const read = (role: 'prompt' | 'chosen' | 'rejected') => (runPython('read_indexed_dataset.py', paths.prefix(role)) as { sequences: number[][] }).sequences;
    const header = (role: string) => [imStart, ...encoder.encode(role), imSep];
    expect(read('prompt')[0]).toEqual([...header('user'), ...encoder.encode('What is 2+2?'), imEnd, ...header('assistant')]);
    expect(read('chosen')).toEqual([
      [...encoder.encode('4'), imEnd],
      [...encoder.encode('7'), imEnd],
    ]);
    expect(read('rejected')[1]).toEqual([...encoder.encode('9'), imEnd]);
    expect(read('prompt')[1]).toEqual([...header('user'), ...encoder.encode('Name a prime.'), imEnd, ...header('assistant')]);
  });
});
