// Text exports of a document shard that Hugging Face `datasets` and pyarrow read as they are:
// gzip JSON Lines and Parquet with the columns id, text, source and metadata (a JSON string).
import { PassThrough } from 'node:stream';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { SchemaElement } from 'hyparquet-writer';
import type { Document } from '../../schemas/document';
import { storageFor } from '../storage';
import type { WriteResult } from '../storage';

/** Documents per Parquet row group; also the maximum documents the writer keeps in memory. */
const ROW_GROUP_ROWS = 2_000;
/** Encoded bytes kept before they go to the storage stream. */
const FLUSH_BYTES = 1 << 20;

const SCHEMA: SchemaElement[] = [
  { name: 'root', num_children: 4 },
  { name: 'id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'text', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'source', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'metadata', type: 'BYTE_ARRAY', converted_type: 'JSON', repetition_type: 'REQUIRED' },
];

/**
 * A hyparquet ByteWriter whose bytes go to a stream once they pass FLUSH_BYTES, so the file is
 * never held whole. ParquetWriter calls `flush` after every row group and awaits it.
 */
class StreamByteWriter extends ByteWriter {
  constructor(
    private readonly body: PassThrough,
    private readonly done: Promise<unknown>,
  ) {
    super(FLUSH_BYTES * 2);
  }

  override ensure(size: number): void {
    if (this.index > FLUSH_BYTES) this.push();
    super.ensure(size);
  }

  flush(): Promise<void> | void {
    this.push();
    if (this.body.writableLength <= FLUSH_BYTES) return;
    return new Promise((resolve, reject) => {
      this.body.once('drain', () => resolve());
      this.done.catch(reject);
    });
  }

  override finish(): void {
    this.push();
    this.body.end();
  }

  private push(): void {
    if (this.index === 0) return;
    this.body.write(Buffer.from(this.buffer.slice(0, this.index)));
    this.index = 0;
  }
}

/** Streams documents into one Parquet file in row groups of ROW_GROUP_ROWS. */
export class ParquetTextWriter {
  private readonly parquet: ParquetWriter;
  private rows: Document[] = [];
  private records = 0;

  private constructor(
    readonly uri: string,
    private readonly done: Promise<WriteResult>,
    private readonly body: PassThrough,
  ) {
    this.parquet = new ParquetWriter({ writer: new StreamByteWriter(body, done), schema: SCHEMA, createdBy: 'corpusflow' });
    this.done.catch(() => undefined);
  }

  static async open(uri: string): Promise<ParquetTextWriter> {
    const storage = await storageFor(uri);
    const body = new PassThrough();
    return new ParquetTextWriter(uri, storage.write(uri, body), body);
  }

  async write(document: Document): Promise<void> {
    this.rows.push(document);
    this.records += 1;
    if (this.rows.length >= ROW_GROUP_ROWS) await this.writeRowGroup();
  }

  /** Abandons the file: storage discards what was written. */
  async abort(reason: Error): Promise<void> {
    this.body.destroy(reason);
    await this.done.catch(() => undefined);
  }

  async close(): Promise<WriteResult & { records: number }> {
    await this.writeRowGroup();
    await this.parquet.finish();
    return { ...(await this.done), records: this.records };
  }

  private async writeRowGroup(): Promise<void> {
    if (this.rows.length === 0) return;
    const rows = this.rows;
    this.rows = [];
    await this.parquet.write({
      rowGroupSize: rows.length,
      columnData: [
        { name: 'id', data: rows.map((row) => row.id) },
        { name: 'text', data: rows.map((row) => row.text) },
        { name: 'source', data: rows.map((row) => row.source) },
        // The JSON converted type makes the writer serialize each object itself.
        { name: 'metadata', data: rows.map((row) => row.metadata) },
      ],
    });
  }
}
