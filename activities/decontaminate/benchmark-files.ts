// Loads benchmark test sets from JSON Lines (plain or gzip), JSON, Parquet (hyparquet) and CSV
// files, and maps each record to an item: an id and the texts of its question, answer and choices.
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ApplicationFailure } from '@temporalio/common';
import { parquetReadObjects } from 'hyparquet';
import type { BenchmarkFormat, BenchmarkSet } from '../../schemas/decontaminate';
import { baseName, joinUri, normalizeUri, schemeOf, storageFor } from '../storage';
import { parseCsv } from './csv';

export interface BenchmarkItem {
  benchmark: string;
  id: string;
  texts: string[];
}

export interface LoadedBenchmark {
  name: string;
  files: { uri: string; bytes: Buffer }[];
  items: BenchmarkItem[];
}

const EXTENSIONS: Record<BenchmarkFormat, string> = { 'jsonl.gz': '.jsonl.gz', jsonl: '.jsonl', json: '.json', parquet: '.parquet', csv: '.csv' };

export function formatOf(uri: string, declared?: BenchmarkFormat): BenchmarkFormat {
  if (declared) return declared;
  const lower = uri.toLowerCase();
  const match = (Object.entries(EXTENSIONS) as [BenchmarkFormat, string][]).find(([, extension]) => lower.endsWith(extension));
  if (!match) {
    throw ApplicationFailure.nonRetryable(
      `Benchmark file ${uri} has no known extension: set "format" to one of jsonl, jsonl.gz, json, parquet, csv (required for a folder)`,
      'InvalidBenchmarkConfig',
    );
  }
  return match[0];
}

/** Resolves a benchmark URI against the benchmark root unless it is absolute or has a scheme. */
export function resolveBenchmarkUri(root: string, uri: string): string {
  if (uri.includes('://') || path.isAbsolute(uri)) return normalizeUri(uri);
  if (schemeOf(root) === 's3' || root.startsWith('file://')) return joinUri(root, uri);
  return normalizeUri(path.join(root, uri));
}

async function listFiles(uri: string, format: BenchmarkFormat): Promise<string[]> {
  const storage = await storageFor(uri);
  if (await storage.stat(uri)) return [uri];
  const files: string[] = [];
  for await (const object of storage.list(uri)) {
    if (object.uri.toLowerCase().endsWith(EXTENSIONS[format])) files.push(object.uri);
  }
  if (files.length === 0) {
    throw ApplicationFailure.nonRetryable(`Benchmark file or folder ${uri} is missing or contains no ${EXTENSIONS[format]} files: check benchmarkRoot and uri`, 'InvalidBenchmarkConfig');
  }
  return files.sort();
}

export async function loadBenchmark(set: BenchmarkSet, root: string): Promise<LoadedBenchmark> {
  const uri = resolveBenchmarkUri(root, set.uri);
  const format = formatOf(set.uri, set.format);
  const loaded: LoadedBenchmark = { name: set.name, files: [], items: [] };
  for (const file of await listFiles(uri, format)) {
    const bytes = await (await storageFor(file)).readBytes(file);
    loaded.files.push({ uri: file, bytes });
    const records = await parseRecords(bytes, file, format, set);
    records.forEach((record, row) => loaded.items.push(toItem(record, row, file, set)));
  }
  return loaded;
}

async function parseRecords(bytes: Buffer, uri: string, format: BenchmarkFormat, set: BenchmarkSet): Promise<unknown[]> {
  const invalid = (detail: string) => ApplicationFailure.nonRetryable(`Invalid benchmark file ${uri} (${set.name}): ${detail}`, 'InvalidBenchmarkFile');
  switch (format) {
    case 'jsonl':
    case 'jsonl.gz': {
      const text = (format === 'jsonl.gz' || uri.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
      return text.split('\n').flatMap((line, index) => {
        if (line.trim() === '') return [];
        try {
          return [JSON.parse(line) as unknown];
        } catch (error) {
          throw invalid(`line ${index + 1} is not JSON: ${(error as Error).message}`);
        }
      });
    }
    case 'json': {
      let value: unknown;
      try {
        value = JSON.parse(bytes.toString('utf8'));
      } catch (error) {
        throw invalid(`not JSON: ${(error as Error).message}`);
      }
      const records = set.recordsPath ? fieldValue(value, set.recordsPath) : value;
      if (!Array.isArray(records)) throw invalid(`expected an array of items${set.recordsPath ? ` at "${set.recordsPath}"` : ''}, found ${typeof records}`);
      return records;
    }
    case 'parquet': {
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      return parquetReadObjects({ file: buffer });
    }
    case 'csv': {
      const rows = parseCsv(bytes.toString('utf8'));
      if (!set.csvHeader) return rows;
      const [header, ...body] = rows;
      return body.map((row) => Object.fromEntries((header ?? []).map((name, column) => [name, row[column]])));
    }
  }
}

/** Reads a dotted field path; numeric parts index arrays (and CSV rows). */
export function fieldValue(record: unknown, fieldPath: string): unknown {
  let value: unknown = record;
  for (const part of fieldPath.split('.')) {
    if (value === null || value === undefined) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function textsOf(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(textsOf);
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return [String(value)];
  return [JSON.stringify(value)];
}

function toItem(record: unknown, row: number, file: string, set: BenchmarkSet): BenchmarkItem {
  const { fields } = set;
  const question = fields.question.flatMap((field) => textsOf(fieldValue(record, field)));
  if (question.length === 0) {
    throw ApplicationFailure.nonRetryable(
      `Invalid benchmark file ${file} (${set.name}): record ${row} has no text in question field(s) ${fields.question.join(', ')}`,
      'InvalidBenchmarkFile',
    );
  }
  const idValue = fields.id ? fieldValue(record, fields.id) : undefined;
  const id = idValue === undefined || idValue === null ? `${baseName(file)}:${row}` : String(idValue);
  const texts = [...question, ...fields.answer.flatMap((field) => textsOf(fieldValue(record, field))), ...fields.choices.flatMap((field) => textsOf(fieldValue(record, field)))];
  return { benchmark: set.name, id, texts };
}
