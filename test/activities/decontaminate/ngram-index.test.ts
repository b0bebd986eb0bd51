import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBenchmark } from '../../../activities/decontaminate/benchmark-files';
import type { BenchmarkItem } from '../../../activities/decontaminate/benchmark-files';
import { parseCsv } from '../../../activities/decontaminate/csv';
import { addItem, dropTemplateNgrams, findMatches } from '../../../activities/decontaminate/ngram-index';
import type { NgramIndex } from '../../../activities/decontaminate/ngram-index';
import { normalizeText } from '../../../activities/near-dedup/normalize';
import { BenchmarkSet, DecontaminateOptions } from '../../../schemas/decontaminate';
import { COMMON_MATH_TEXT, WEB_INTRO, WEB_OUTRO, benchRoot, disguise } from './fixtures';

const options = DecontaminateOptions.parse({ benchmarkRoot: benchRoot });
const items: BenchmarkItem[] = [];
let index: NgramIndex;
let templateNgrams = 0;

beforeAll(async () => {
  index = { sizes: { longNgram: 13, shortNgram: 7 }, long: new Map(), short: new Map(), shortItemCounts: new Map() };
  for (const set of options.benchmarks) {
    for (const item of (await loadBenchmark(set, options.benchmarkRoot)).items) {
      addItem(index, item, items.length);
      items.push(item);
    }
  }
  templateNgrams = dropTemplateNgrams(index, options.maxItemsPerNgram);
});

function matchedItems(text: string): string[] {
  return [...new Set(findMatches(index, text).flatMap((match) => match.items.map((item) => `${items[item]!.benchmark}:${items[item]!.id}`)))];
}

describe('default benchmark sets', () => {
  it('load every item of the shipped files', () => {
    const counts: Record<string, number> = {};
    for (const item of items) counts[item.benchmark] = (counts[item.benchmark] ?? 0) + 1;
    expect(counts).toEqual({ gsm8k: 1319, humaneval: 164, mbpp: 974, mmlu: 1086 });
    expect(items.find((item) => item.benchmark === 'humaneval')?.id).toBe('HumanEval/0');
    expect(items.find((item) => item.benchmark === 'mmlu')?.id).toBe('abstract_algebra_test.csv:0');
    expect(templateNgrams).toBeGreaterThan(0);
  });
});

describe('normalisation', () => {
  it('undoes case, punctuation, spacing and look-alikes', () => {
    expect(normalizeText(disguise('He buys a house for $80,000.'))).toBe('he buys a house for 80 000');
  });
});

describe('planted benchmark text', () => {
  it('catches a reformatted GSM8K question in a web page', () => {
    const question = items.find((item) => item.benchmark === 'gsm8k' && item.id === 'test.jsonl:2')!.texts[0]!;
    const page = `${WEB_INTRO}\n\n${disguise(question)}\n\n${WEB_OUTRO}`;
    expect(matchedItems(page)).toEqual(['gsm8k:test.jsonl:2']);
  });

  it('catches a reformatted HumanEval prompt in a web page', () => {
    const prompt = items.find((item) => item.id === 'HumanEval/2')!.texts[0]!;
    const page = `${WEB_INTRO}\n<pre>${disguise(prompt)}</pre>\n${WEB_OUTRO}`;
    expect(matchedItems(page)).toEqual(['humaneval:HumanEval/2']);
  });

  it('catches a short MBPP task with 7-grams', () => {
    const task = items.find((item) => item.benchmark === 'mbpp' && item.id === '17')!.texts[0]!;
    expect(normalizeText(task).split(' ').length).toBeLessThan(13);
    expect(matchedItems(`${WEB_INTRO} ${disguise(task)} ${WEB_OUTRO}`)).toContain('mbpp:17');
  });

  it('ignores math text sharing only common phrases', () => {
    expect(findMatches(index, `${WEB_INTRO} ${COMMON_MATH_TEXT} ${WEB_OUTRO}`)).toEqual([]);
  });

  it('ignores runs of numbers and letters', () => {
    expect(findMatches(index, Array.from({ length: 20 }, (_, i) => i).join(', '))).toEqual([]);
    expect(findMatches(index, 'a b c d e f g h i j k l m n o p')).toEqual([]);
    expect(findMatches(index, Array.from({ length: 20 }, () => '0').join(' '))).toEqual([]);
  });

  it('ignores template phrases shared by many items', () => {
    expect(findMatches(index, 'Write a python function to find the first element that is divisible by seven.')).toEqual([]);
  });
});

describe('benchmark file formats', () => {
  let folder: string;
  const rows = [
    { uid: 'q1', prompt: 'The quick brown fox jumps over the lazy dog while the farmer counts his sheep', options: ['yes', 'no'] },
    { uid: 'q2', prompt: 'A second question about seven brown owls sitting quietly on an old oak branch at night', options: ['maybe'] },
  ];

  beforeAll(async () => {
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-formats-'));
    await fs.writeFile(path.join(folder, 'set.json'), JSON.stringify({ data: rows }));
    await fs.writeFile(path.join(folder, 'set.jsonl.gz'), gzipSync(rows.map((row) => JSON.stringify(row)).join('\n')));
    await fs.writeFile(path.join(folder, 'set.csv'), 'uid,prompt,a\nq1,"The quick brown fox jumps over the lazy dog while the farmer counts his sheep",yes\nq2,"A second question about seven brown owls sitting quietly on an old oak branch at night",maybe\n');
    const parquet = parquetWriteBuffer({
      columnData: [
        { name: 'uid', data: rows.map((row) => row.uid) },
        { name: 'prompt', data: rows.map((row) => row.prompt) },
      ],
    });
    await fs.writeFile(path.join(folder, 'set.parquet'), Buffer.from(parquet));
  });

  afterAll(async () => {
    await fs.rm(folder, { recursive: true, force: true });
  });

  it.each([
    ['set.json', { recordsPath: 'data', fields: { id: 'uid', question: ['prompt'], choices: ['options'] } }],
    ['set.jsonl.gz', { fields: { id: 'uid', question: ['prompt'], choices: ['options'] } }],
    ['set.csv', { csvHeader: true, fields: { id: 'uid', question: ['prompt'], choices: ['a'] } }],
    ['set.parquet', { fields: { id: 'uid', question: ['prompt'] } }],
  ])('reads %s', async (file, mapping) => {
    const set = BenchmarkSet.parse({ name: 'fixture', uri: file, ...mapping });
    const loaded = await loadBenchmark(set, folder);
    expect(loaded.items.map((item) => item.id)).toEqual(['q1', 'q2']);
    expect(loaded.items[0]!.texts[0]).toBe(rows[0]!.prompt);
  });

  it('rejects an unknown extension with the fix', async () => {
    const set = BenchmarkSet.parse({ name: 'fixture', uri: 'set.txt', fields: { question: ['prompt'] } });
    await expect(loadBenchmark(set, folder)).rejects.toThrow(
      'Benchmark file set.txt has no known extension: set "format" to one of jsonl, jsonl.gz, json, parquet, csv (required for a folder)',
    );
  });

  it('rejects a record without question text', async () => {
    const set = BenchmarkSet.parse({ name: 'fixture', uri: 'set.json', recordsPath: 'data', fields: { question: ['missing'] } });
    await expect(loadBenchmark(set, folder)).rejects.toThrow(/set\.json \(fixture\): record 0 has no text in question field\(s\) missing$/);
  });
});

describe('CSV parser', () => {
  it('keeps quoted commas, quotes and line breaks', () => {
    expect(parseCsv('"a, b","say ""hi""\nthere",c\r\nd,,e\n')).toEqual([
      ['a, b', 'say "hi"\nthere', 'c'],
      ['d', '', 'e'],
    ]);
  });
});
