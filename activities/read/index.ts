// Entry point of the input readers: one async iterable of records per input file.
import type { InputFormat } from './formats';
import { readHtmlFile } from './html-file';
import { readJsonlFile } from './jsonl-file';
import type { InputRecord, ReaderOptions } from './records';
import { readWarcFile } from './warc-file';

export type { InputRecord, ReaderOptions } from './records';
export { detectInputFormat, supportedExtensions } from './formats';

/**
 * Yields every record of one file. A file that cannot be opened yields one rejection
 * (`unreadable_file`) instead of failing the shard, so the rest of the run is unaffected.
 */
export async function* readInputFile(
  file: { uri: string; size: number; format: InputFormat },
  options: ReaderOptions,
): AsyncIterable<InputRecord> {
  try {
    switch (file.format) {
      case 'html':
        yield* readHtmlFile(file.uri, file.size, options);
        return;
      case 'warc':
        yield* readWarcFile(file.uri, options);
        return;
      case 'jsonl':
        yield* readJsonlFile(file.uri, options);
        return;
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code && ['ENOENT', 'EACCES', 'EISDIR', 'EPERM', 'ELOOP', 'NoSuchKey', 'AccessDenied'].includes(code)) {
      yield {
        kind: 'rejected',
        inputUri: file.uri,
        recordIndex: 0,
        reason: 'unreadable_file',
        detail: `${file.uri} could not be read (${code}): ${(error as Error).message}`,
      };
      return;
    }
    throw error;
  }
}
