// JSONL and JSONL.gz input: one document per line, text in a configurable field.
// Lines are split on bytes and decoded strictly, so invalid UTF-8 is rejected with the line's
// bytes kept, instead of being silently replaced by U+FFFD.
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { storageFor } from '../storage';
import type { InputRecord, ReaderOptions } from './records';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const MAX_RAW_KEPT = 64 * 1024;

interface RawLine {
  lineNumber: number;
  byteOffset: number;
  bytes: Buffer;
  /** True when the line was longer than the record limit and only its start was kept. */
  truncated: boolean;
  length: number;
}

/** Splits a byte stream into lines; a line longer than maxBytes keeps only its first maxBytes. */
async function* splitLines(stream: Readable, maxBytes: number): AsyncIterable<RawLine> {
  let pending: Buffer[] = [];
  let pendingLength = 0;
  let lineNumber = 0;
  let lineStart = 0;
  let offset = 0;
  const finish = (): RawLine => {
    lineNumber += 1;
    const bytes = Buffer.concat(pending);
    const line = { lineNumber, byteOffset: lineStart, bytes, truncated: pendingLength > bytes.length, length: pendingLength };
    pending = [];
    pendingLength = 0;
    return line;
  };
  const keep = (chunk: Buffer) => {
    const kept = pending.reduce((sum, part) => sum + part.length, 0);
    if (kept < maxBytes) pending.push(chunk.subarray(0, maxBytes - kept));
    pendingLength += chunk.length;
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    let newline = chunk.indexOf(10, start);
    while (newline !== -1) {
      keep(chunk.subarray(start, newline));
      yield finish();
      offset += newline - start + 1;
      lineStart = offset;
      start = newline + 1;
      newline = chunk.indexOf(10, start);
    }
    keep(chunk.subarray(start));
    offset += chunk.length - start;
  }
  if (pendingLength > 0) yield finish();
}

export async function* readJsonlFile(uri: string, options: ReaderOptions): AsyncIterable<InputRecord> {
  const storage = await storageFor(uri);
  const raw = await storage.openRead(uri);
  const stream = /\.gz$/i.test(uri) ? raw.pipe(createGunzip()) : raw;
  raw.on('error', (error) => stream.destroy(error));

  let recordIndex = 0;
  try {
    for await (const line of splitLines(stream, options.maxRecordBytes)) {
      const where = `${uri} line ${line.lineNumber}`;
      const origin = { inputUri: uri, recordIndex, byteOffset: line.byteOffset, byteLength: line.length };
      recordIndex += 1;
      if (line.truncated) {
        yield { kind: 'rejected', ...origin, reason: 'document_too_large', detail: `${where} is ${line.length} bytes, over the limit of ${options.maxRecordBytes} bytes (option maxRecordBytes)` };
        continue;
      }
      let text: string;
      try {
        text = strictUtf8.decode(line.bytes);
      } catch {
        yield { kind: 'rejected', ...origin, reason: 'invalid_text_field', detail: `${where} is not valid UTF-8`, rawBytes: line.bytes.length <= MAX_RAW_KEPT ? line.bytes : undefined };
        continue;
      }
      if (text.trim() === '') {
        recordIndex -= 1;
        continue;
      }
      yield parseJsonLine(text, where, origin, options);
    }
  } catch (error) {
    yield {
      kind: 'rejected',
      inputUri: uri,
      recordIndex,
      reason: 'truncated_input',
      detail: `${uri} could not be read past record ${recordIndex}: ${(error as Error).message}. Records before it were kept.`,
    };
  }
}

function parseJsonLine(
  text: string,
  where: string,
  origin: { inputUri: string; recordIndex: number; byteOffset: number; byteLength: number },
  options: ReaderOptions,
): InputRecord {
  const raw = text.length <= MAX_RAW_KEPT ? text : undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { kind: 'rejected', ...origin, reason: 'invalid_json', detail: `${where} is not valid JSON: ${(error as Error).message}`, raw };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'rejected', ...origin, reason: 'invalid_json', detail: `${where} is not a JSON object`, raw };
  }
  const record = value as Record<string, unknown>;
  const field = record[options.textField];
  if (field === undefined) {
    return { kind: 'rejected', ...origin, reason: 'missing_text_field', detail: `${where} has no "${options.textField}" field (option textField)`, raw };
  }
  if (typeof field !== 'string') {
    return { kind: 'rejected', ...origin, reason: 'invalid_text_field', detail: `${where} field "${options.textField}" is a ${Array.isArray(field) ? 'array' : typeof field}, expected a string`, raw };
  }
  const { [options.textField]: _text, ...extra } = record;
  const sourceId = options.idField && record[options.idField] !== undefined ? String(record[options.idField]) : undefined;
  const url = typeof record.url === 'string' ? record.url : undefined;
  return { kind: 'text', ...origin, text: field, sourceId, url, extra };
}
