// WARC and WARC.gz input. HTML response records become pages; every other record is counted
// as skipped by type. A file that ends mid-record (a truncated download) keeps every record
// read before the break and reports the break as one rejection with its byte offset.
import { createGunzip } from 'node:zlib';
import { WARCParser } from 'warcio';
import { storageFor } from '../storage';
import type { InputRecord, ReaderOptions } from './records';

/** Largest damaged record whose bytes are copied into the rejected record. */
const MAX_RAW_KEPT = 64 * 1024;
const HTML_TYPES = /^\s*(text\/html|application\/xhtml\+xml)/i;

export async function* readWarcFile(uri: string, options: ReaderOptions): AsyncIterable<InputRecord> {
  const storage = await storageFor(uri);
  const raw = await storage.openRead(uri);
  // Node's gunzip reads every gzip member of a record-per-member WARC.gz and, unlike the
  // parser's own decompression, raises an error when the file ends inside a member.
  const stream = /\.gz$/i.test(uri) ? raw.pipe(createGunzip()) : raw;
  if (stream !== raw) raw.on('error', (error) => stream.destroy(error));
  const parser = new WARCParser(stream as AsyncIterable<Uint8Array>);

  let recordIndex = 0;
  while (true) {
    let record;
    const offset = parser.offset;
    try {
      record = await parser.parse();
    } catch (error) {
      yield truncated(uri, recordIndex, offset, error);
      return;
    }
    if (!record) return;
    const index = recordIndex;
    recordIndex += 1;
    const origin = { inputUri: uri, recordIndex: index, byteOffset: parser.offset };

    try {
      const outcome = await classifyRecord(record, origin, options, uri);
      yield outcome;
    } catch (error) {
      yield truncated(uri, index, parser.offset, error);
      return;
    }
  }
}

async function classifyRecord(
  record: NonNullable<Awaited<ReturnType<WARCParser['parse']>>>,
  origin: { inputUri: string; recordIndex: number; byteOffset: number },
  options: ReaderOptions,
  uri: string,
): Promise<InputRecord> {
  const type = record.warcType;
  if (!type) return rejectDamagedRecord(record, origin, options, uri);

  if (type !== 'response') {
    await record.skipFully();
    return { kind: 'skipped', ...origin, reason: `warc_${type}_record` };
  }

  // Redirects and error pages ("302 Found", "404 Not Found") are not documents.
  const status = Number(record.httpHeaders?.statusCode ?? 200);
  if (status < 200 || status >= 300) {
    await record.skipFully();
    return { kind: 'skipped', ...origin, reason: `warc_http_status_${status}` };
  }

  const contentType = record.httpHeaders?.headers.get('content-type') ?? undefined;
  if (!contentType || !HTML_TYPES.test(contentType)) {
    await record.skipFully();
    return { kind: 'skipped', ...origin, reason: 'warc_non_html_response' };
  }

  const length = record.warcContentLength;
  if (length > options.maxRecordBytes) {
    await record.skipFully();
    return {
      kind: 'rejected',
      ...origin,
      byteLength: length,
      reason: 'document_too_large',
      detail: `${uri} record ${origin.recordIndex} (${record.warcTargetURI ?? 'no URL'}) is ${length} bytes, over the limit of ${options.maxRecordBytes} bytes (option maxRecordBytes)`,
    };
  }

  const bytes = await record.readFully(true);
  return {
    kind: 'html',
    ...origin,
    bytes,
    url: record.warcTargetURI ?? undefined,
    contentType,
    warcRecordId: record.warcHeader('WARC-Record-ID') ?? undefined,
  };
}

/**
 * Rejects a record whose header block is damaged (for example one that starts inside the
 * previous record's payload), so it has no WARC-Type. Its bytes are kept when at most 64 KiB;
 * otherwise its byte offset and length point at them in the input file.
 */
async function rejectDamagedRecord(
  record: NonNullable<Awaited<ReturnType<WARCParser['parse']>>>,
  origin: { inputUri: string; recordIndex: number; byteOffset: number },
  options: ReaderOptions,
  uri: string,
): Promise<InputRecord> {
  const declared = record.warcContentLength;
  const tooLarge = declared > options.maxRecordBytes;
  const bytes = tooLarge ? undefined : await record.readFully(false);
  if (tooLarge) await record.skipFully();
  const byteLength = bytes?.length ?? declared;
  const kept = bytes && bytes.length <= MAX_RAW_KEPT ? bytes : undefined;
  return {
    kind: 'rejected',
    ...origin,
    byteLength,
    rawBytes: kept,
    reason: 'invalid_warc_record',
    detail:
      `${uri} record ${origin.recordIndex} has a damaged header block with no readable WARC-Type (it starts with "${record.warcHeaders.statusline}"); ` +
      (kept ? 'its bytes are kept in rawBytes' : `its ${byteLength} bytes stay in the input file, in this record`),
  };
}

function truncated(uri: string, recordIndex: number, offset: number, error: unknown): InputRecord {
  return {
    kind: 'rejected',
    inputUri: uri,
    recordIndex,
    byteOffset: offset,
    reason: 'truncated_input',
    detail: `${uri} breaks off in record ${recordIndex} near byte ${offset}: ${(error as Error).message}. The ${recordIndex} records before it were kept.`,
  };
}
