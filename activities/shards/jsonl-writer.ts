// Streams JSON Lines into gzip and into storage in one pass, with bounded memory.
import { PassThrough } from 'node:stream';
import { createGzip } from 'node:zlib';
import { storageFor } from '../storage';
import type { WriteResult } from '../storage';

export interface JsonlShardResult extends WriteResult {
  records: number;
}

/**
 * Writes records to `<uri>` as gzip-compressed JSON Lines. Storage renames or completes the
 * upload only in `close()`, so readers never see a partial shard.
 */
export class JsonlShardWriter {
  private readonly lines = new PassThrough();
  private readonly done: Promise<WriteResult>;
  private records = 0;

  private constructor(
    readonly uri: string,
    done: (body: PassThrough) => Promise<WriteResult>,
  ) {
    const gzip = createGzip({ level: 6 });
    const compressed = this.lines.pipe(gzip);
    const body = new PassThrough();
    compressed.pipe(body);
    this.done = done(body);
    // Surface a storage failure on the next write instead of as an unhandled rejection.
    this.done.catch(() => undefined);
  }

  static async open(uri: string): Promise<JsonlShardWriter> {
    const storage = await storageFor(uri);
    return new JsonlShardWriter(uri, (body) => storage.write(uri, body));
  }

  async write(record: unknown): Promise<void> {
    this.records += 1;
    const ok = this.lines.write(JSON.stringify(record) + '\n');
    if (!ok) {
      await new Promise<void>((resolve, reject) => {
        this.lines.once('drain', resolve);
        this.done.catch(reject);
      });
    }
  }

  async close(): Promise<JsonlShardResult> {
    this.lines.end();
    const result = await this.done;
    return { ...result, records: this.records };
  }
}
