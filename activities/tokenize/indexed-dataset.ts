// Megatron-LM's indexed dataset ("MMIDIDX"): a `.bin` file of token ids back to back and an
// `.idx` file that locates each sequence. Layout of the `.idx`, all little-endian, as
// megatron/core/datasets/indexed_dataset.py reads it:
//   9 bytes  magic "MMIDIDX\0\0"
//   u64      version, always 1
//   u8       dtype code of the `.bin` ids (4 = int32, 8 = uint16)
//   u64      sequence count S
//   u64      document index count D (= documents + 1, because it starts with 0)
//   i32[S]   tokens per sequence
//   i64[S]   byte offset of each sequence in the `.bin`
//   i64[D]   document boundaries as sequence indices: 0, then the end of every document
// Every document is one sequence here, so the document boundaries are 0, 1, …, S.
import { PassThrough } from 'node:stream';
import { endianness } from 'node:os';
import { storageFor } from '../storage';
import type { WriteResult } from '../storage';
import type { TokenDtype } from './vocabulary';

export const INDEX_MAGIC = Buffer.from('MMIDIDX\x00\x00', 'latin1');
const INDEX_VERSION = 1n;
const DTYPE_CODES: Record<TokenDtype, number> = { int32: 4, uint16: 8 };
const DTYPE_BYTES: Record<TokenDtype, number> = { int32: 4, uint16: 2 };
const HEADER_BYTES = 9 + 8 + 1 + 8 + 8;
/** Ids are collected into chunks of this size before they go to the storage stream. */
const CHUNK_BYTES = 1 << 20;

if (endianness() !== 'LE') throw new Error('Indexed dataset writing assumes a little-endian CPU');

export function indexedDatasetUris(prefixUri: string): { bin: string; idx: string } {
  return { bin: `${prefixUri}.bin`, idx: `${prefixUri}.idx` };
}

export interface IndexedDatasetResult {
  bin: WriteResult;
  idx: WriteResult;
  documents: number;
  tokens: number;
}

/**
 * Streams documents into `<prefix>.bin` and writes `<prefix>.idx` on close. Memory stays at one
 * 1 MiB chunk plus 4 bytes per document (the sequence lengths the index needs), whatever the
 * total token count. Storage makes each file visible only once it is complete.
 */
export class IndexedDatasetWriter {
  private readonly body = new PassThrough({ highWaterMark: CHUNK_BYTES });
  private readonly binDone: Promise<WriteResult>;
  private readonly itemBytes: number;
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private chunkUsed = 0;
  private lengths = new Int32Array(1024);
  private documents = 0;
  private tokens = 0;

  private constructor(
    readonly prefixUri: string,
    readonly dtype: TokenDtype,
    readonly vocabSize: number,
    write: (body: PassThrough) => Promise<WriteResult>,
  ) {
    this.itemBytes = DTYPE_BYTES[dtype];
    this.binDone = write(this.body);
    // A storage failure surfaces on the next flush or on close, not as an unhandled rejection.
    this.binDone.catch(() => undefined);
  }

  static async open(prefixUri: string, dtype: TokenDtype, vocabSize: number): Promise<IndexedDatasetWriter> {
    const { bin } = indexedDatasetUris(prefixUri);
    const storage = await storageFor(bin);
    return new IndexedDatasetWriter(prefixUri, dtype, vocabSize, (body) => storage.write(bin, body));
  }

  /** Appends one document (one sequence). Ids must lie in [0, vocabSize). */
  async addDocument(ids: ArrayLike<number>): Promise<void> {
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
        throw new Error(`Token id ${id} at position ${i} of document ${this.documents} is outside [0, ${this.vocabSize})`);
      }
    }
    if (this.documents === this.lengths.length) {
      const grown = new Int32Array(this.lengths.length * 2);
      grown.set(this.lengths);
      this.lengths = grown;
    }
    this.lengths[this.documents] = ids.length;
    this.documents += 1;
    this.tokens += ids.length;

    let offset = 0;
    while (offset < ids.length) {
      const room = (CHUNK_BYTES - this.chunkUsed) / this.itemBytes;
      const count = Math.min(room, ids.length - offset);
      this.copyIds(ids, offset, count);
      offset += count;
      if (this.chunkUsed === CHUNK_BYTES) await this.flush();
    }
  }

  async close(): Promise<IndexedDatasetResult> {
    await this.flush();
    this.body.end();
    const bin = await this.binDone;

    const { idx: idxUri } = indexedDatasetUris(this.prefixUri);
    const storage = await storageFor(idxUri);
    const idx = await storage.write(idxUri, this.buildIndex());
    return { bin, idx, documents: this.documents, tokens: this.tokens };
  }

  /** Abandons the dataset: storage discards the partial `.bin` and no `.idx` is written. */
  async abort(reason: Error): Promise<void> {
    this.body.destroy(reason);
    await this.binDone.catch(() => undefined);
  }

  private copyIds(ids: ArrayLike<number>, offset: number, count: number): void {
    const start = this.chunkUsed;
    if (this.dtype === 'int32') {
      const view = new Int32Array(this.chunk.buffer, this.chunk.byteOffset + start, count);
      for (let i = 0; i < count; i++) view[i] = ids[offset + i]!;
    } else {
      const view = new Uint16Array(this.chunk.buffer, this.chunk.byteOffset + start, count);
      for (let i = 0; i < count; i++) view[i] = ids[offset + i]!;
    }
    this.chunkUsed += count * this.itemBytes;
  }

  private async flush(): Promise<void> {
    if (this.chunkUsed === 0) return;
    const full = this.chunk.subarray(0, this.chunkUsed);
    this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    this.chunkUsed = 0;
    if (!this.body.write(full)) {
      await new Promise<void>((resolve, reject) => {
        this.body.once('drain', resolve);
        this.binDone.catch(reject);
      });
    }
  }

  private buildIndex(): Buffer {
    const count = this.documents;
    const index = Buffer.alloc(HEADER_BYTES + count * 4 + count * 8 + (count + 1) * 8);
    let at = INDEX_MAGIC.copy(index, 0);
    at = index.writeBigUInt64LE(INDEX_VERSION, at);
    at = index.writeUInt8(DTYPE_CODES[this.dtype], at);
    at = index.writeBigUInt64LE(BigInt(count), at);
    at = index.writeBigUInt64LE(BigInt(count + 1), at);

    for (let i = 0; i < count; i++) at = index.writeInt32LE(this.lengths[i]!, at);
    let pointer = 0;
    for (let i = 0; i < count; i++) {
      at = index.writeBigInt64LE(BigInt(pointer), at);
      pointer += this.lengths[i]! * this.itemBytes;
    }
    for (let i = 0; i <= count; i++) at = index.writeBigInt64LE(BigInt(i), at);
    return index;
  }
}

export interface IndexedDatasetIndex {
  dtype: TokenDtype;
  /** Tokens per sequence. */
  lengths: Int32Array;
  /** Byte offset of each sequence in the `.bin`. */
  pointers: number[];
  /** Sequence indices where documents start and end: 0, then each document's end. */
  documentIndices: number[];
}

/** Parses an `.idx` file; throws naming the file and the field that does not match the format. */
export function parseIndex(bytes: Buffer, uri: string): IndexedDatasetIndex {
  if (bytes.length < HEADER_BYTES || !bytes.subarray(0, 9).equals(INDEX_MAGIC)) {
    throw new Error(`Invalid indexed dataset index ${uri}: missing the MMIDIDX magic header`);
  }
  const version = bytes.readBigUInt64LE(9);
  if (version !== INDEX_VERSION) throw new Error(`Invalid indexed dataset index ${uri}: version ${version}, expected 1`);
  const code = bytes.readUInt8(17);
  const dtype = (Object.keys(DTYPE_CODES) as TokenDtype[]).find((name) => DTYPE_CODES[name] === code);
  if (!dtype) throw new Error(`Unsupported indexed dataset dtype code ${code} in ${uri}: expected 4 (int32) or 8 (uint16)`);
  const sequences = Number(bytes.readBigUInt64LE(18));
  const documentIndexCount = Number(bytes.readBigUInt64LE(26));
  const expected = HEADER_BYTES + sequences * 12 + documentIndexCount * 8;
  if (bytes.length < expected) {
    throw new Error(`Truncated indexed dataset index ${uri}: ${bytes.length} bytes, expected at least ${expected}`);
  }

  let at = HEADER_BYTES;
  const lengths = new Int32Array(sequences);
  for (let i = 0; i < sequences; i++, at += 4) lengths[i] = bytes.readInt32LE(at);
  const pointers: number[] = [];
  for (let i = 0; i < sequences; i++, at += 8) pointers.push(Number(bytes.readBigInt64LE(at)));
  const documentIndices: number[] = [];
  for (let i = 0; i < documentIndexCount; i++, at += 8) documentIndices.push(Number(bytes.readBigInt64LE(at)));
  return { dtype, lengths, pointers, documentIndices };
}

export async function readIndex(prefixUri: string): Promise<IndexedDatasetIndex> {
  const { idx } = indexedDatasetUris(prefixUri);
  const storage = await storageFor(idx);
  return parseIndex(await storage.readBytes(idx), idx);
}

/** Reads the ids of one sequence with a ranged read of the `.bin`. */
export async function readSequence(prefixUri: string, index: IndexedDatasetIndex, sequence: number): Promise<Int32Array> {
  const length = index.lengths[sequence];
  if (length === undefined) throw new Error(`Sequence ${sequence} does not exist in ${prefixUri} (${index.lengths.length} sequences)`);
  const itemBytes = DTYPE_BYTES[index.dtype];
  const ids = new Int32Array(length);
  if (length === 0) return ids;

  const { bin } = indexedDatasetUris(prefixUri);
  const storage = await storageFor(bin);
  const start = index.pointers[sequence]!;
  const chunks: Buffer[] = [];
  for await (const chunk of await storage.openRead(bin, { start, end: start + length * itemBytes - 1 })) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  for (let i = 0; i < length; i++) {
    ids[i] = index.dtype === 'int32' ? bytes.readInt32LE(i * 4) : bytes.readUInt16LE(i * 2);
  }
  return ids;
}
