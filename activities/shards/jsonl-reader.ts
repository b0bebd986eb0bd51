// Streams JSON Lines (plain, .gz) line by line without loading the file.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { storageFor } from '../storage';

export interface JsonlLine {
  /** 1-based line number inside the file, for error messages. */
  lineNumber: number;
  /** Byte offset of the line's start in the decompressed stream. */
  byteOffset: number;
  text: string;
}

export function isGzipUri(uri: string): boolean {
  return /\.gz$/i.test(uri);
}

/** Yields raw lines; blank lines are skipped but still counted in line numbers. */
export async function* readJsonlLines(uri: string): AsyncIterable<JsonlLine> {
  const storage = await storageFor(uri);
  const raw = await storage.openRead(uri);
  const stream: Readable = isGzipUri(uri) ? raw.pipe(createGunzip()) : raw;
  raw.on('error', (error) => stream.destroy(error));
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNumber = 0;
  let byteOffset = 0;
  for await (const text of lines) {
    lineNumber += 1;
    const offset = byteOffset;
    byteOffset += Buffer.byteLength(text) + 1;
    if (text.trim() === '') continue;
    yield { lineNumber, byteOffset: offset, text };
  }
}

/** Reads documents written by JsonlShardWriter; a corrupt line here is a bug, so it throws. */
export async function* readJsonlRecords<T = unknown>(uri: string): AsyncIterable<T> {
  for await (const line of readJsonlLines(uri)) {
    try {
      yield JSON.parse(line.text) as T;
    } catch (error) {
      throw new Error(`Invalid JSON in ${uri} at line ${line.lineNumber}: ${(error as Error).message}`);
    }
  }
}
