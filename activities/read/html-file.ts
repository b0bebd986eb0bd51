// One .html file is one record. Reads at most maxRecordBytes so a huge file cannot exhaust memory.
import { storageFor } from '../storage';
import type { InputRecord, ReaderOptions } from './records';

export async function* readHtmlFile(uri: string, size: number, options: ReaderOptions): AsyncIterable<InputRecord> {
  if (size > options.maxRecordBytes) {
    yield {
      kind: 'rejected',
      inputUri: uri,
      recordIndex: 0,
      byteOffset: 0,
      byteLength: size,
      reason: 'document_too_large',
      detail: `${uri} is ${size} bytes, over the limit of ${options.maxRecordBytes} bytes (option maxRecordBytes)`,
    };
    return;
  }
  const storage = await storageFor(uri);
  const bytes = await storage.readBytes(uri);
  yield { kind: 'html', inputUri: uri, recordIndex: 0, byteOffset: 0, bytes };
}
