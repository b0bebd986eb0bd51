// Binary work files of the near-duplicate stage. All integers are little-endian uint32.
//
// Signature file (.sig): header [magic, version, documents, hashes], then `hashes` values per
// document in shard order. A document without shingles has every value 0xffffffff.
//
// Bucket file (.bkt): header [magic, version, bands, partitions], then a table of
// bands * partitions + 1 entry offsets, then entries [bandHashHigh, bandHashLow, documentIndex]
// sorted by band, hash-range partition and hash. One bucket activity reads one (band, partition)
// section of every shard with a range read, so it never loads a whole file.
import type { Readable } from 'node:stream';
import { shardName } from '../shards/paths';
import { joinUri, storageFor } from '../storage';

const SIGNATURE_MAGIC = 0x534d4643; // "CFMS"
const BUCKET_MAGIC = 0x424d4643; // "CFMB"
const FORMAT_VERSION = 1;
const HEADER_WORDS = 4;
const ENTRY_WORDS = 3;

export interface ShardWorkPaths {
  signatures: string;
  documentTable: string;
  buckets: string;
  manifest: string;
}

/** Returns where the signature phase writes one shard's work files inside `folderUri`. */
export function shardWorkPaths(folderUri: string, shardIndex: number): ShardWorkPaths {
  const name = shardName(shardIndex);
  return {
    signatures: joinUri(folderUri, `${name}.sig`),
    documentTable: joinUri(folderUri, `${name}.docs.json`),
    buckets: joinUri(folderUri, `${name}.bkt`),
    manifest: joinUri(folderUri, `${name}.manifest.json`),
  };
}

/** Partition of a band hash: its position in [0, 2^32) scaled to `partitions` equal ranges. */
export function partitionOf(high: number, partitions: number): number {
  return Math.floor((high / 0x100000000) * partitions);
}

function toBuffer(words: Uint32Array): Buffer {
  return Buffer.from(words.buffer, words.byteOffset, words.byteLength);
}

function toWords(bytes: Buffer): Uint32Array {
  const aligned = Buffer.alloc(bytes.length);
  bytes.copy(aligned);
  return new Uint32Array(aligned.buffer, aligned.byteOffset, Math.floor(aligned.length / 4));
}

export function encodeSignatures(signatures: Uint32Array, documents: number, hashes: number): Buffer {
  const words = new Uint32Array(HEADER_WORDS + documents * hashes);
  words.set([SIGNATURE_MAGIC, FORMAT_VERSION, documents, hashes]);
  words.set(signatures.subarray(0, documents * hashes), HEADER_WORDS);
  return toBuffer(words);
}

export interface SignatureTable {
  documents: number;
  hashes: number;
  values: Uint32Array;
}

export function decodeSignatures(bytes: Buffer, uri: string): SignatureTable {
  const words = toWords(bytes);
  if (words[0] !== SIGNATURE_MAGIC || words[1] !== FORMAT_VERSION) {
    throw new Error(`Invalid signature file ${uri}: unknown magic or version`);
  }
  const documents = words[2]!;
  const hashes = words[3]!;
  return { documents, hashes, values: words.subarray(HEADER_WORDS, HEADER_WORDS + documents * hashes) };
}

/** Returns one signature of a decoded table, without copying. */
export function signatureAt(table: SignatureTable, documentIndex: number): Uint32Array {
  return table.values.subarray(documentIndex * table.hashes, (documentIndex + 1) * table.hashes);
}

/**
 * Encodes band entries (flat [high, low, documentIndex] triples, one per band per document,
 * band given by `entryBands`) into a bucket file sorted for range reads.
 */
export function encodeBuckets(entries: Uint32Array, entryBands: Uint16Array, bands: number, partitions: number): Buffer {
  const count = entryBands.length;
  const order = Array.from({ length: count }, (_, i) => i);
  order.sort((a, b) => {
    const byBand = entryBands[a]! - entryBands[b]!;
    if (byBand !== 0) return byBand;
    const byHigh = entries[a * 3]! - entries[b * 3]!;
    if (byHigh !== 0) return byHigh;
    return entries[a * 3 + 1]! - entries[b * 3 + 1]!;
  });

  const sections = bands * partitions;
  const words = new Uint32Array(HEADER_WORDS + sections + 1 + count * ENTRY_WORDS);
  words.set([BUCKET_MAGIC, FORMAT_VERSION, bands, partitions]);
  const offsets = words.subarray(HEADER_WORDS, HEADER_WORDS + sections + 1);
  const body = words.subarray(HEADER_WORDS + sections + 1);
  for (let position = 0; position < count; position += 1) {
    const source = order[position]!;
    const high = entries[source * 3]!;
    body[position * 3] = high;
    body[position * 3 + 1] = entries[source * 3 + 1]!;
    body[position * 3 + 2] = entries[source * 3 + 2]!;
    offsets[entryBands[source]! * partitions + partitionOf(high, partitions) + 1]! += 1;
  }
  for (let section = 1; section <= sections; section += 1) offsets[section]! += offsets[section - 1]!;
  return toBuffer(words);
}

async function readRange(uri: string, start: number, endInclusive: number): Promise<Buffer> {
  if (endInclusive < start) return Buffer.alloc(0);
  const storage = await storageFor(uri);
  const stream: Readable = await storage.openRead(uri, { start, end: endInclusive });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Reads the [high, low, documentIndex] entries of one (band, partition) section of a bucket file. */
export async function readBucketSection(uri: string, band: number, partition: number): Promise<Uint32Array> {
  const header = toWords(await readRange(uri, 0, HEADER_WORDS * 4 - 1));
  if (header[0] !== BUCKET_MAGIC || header[1] !== FORMAT_VERSION) {
    throw new Error(`Invalid bucket file ${uri}: unknown magic or version`);
  }
  const bands = header[2]!;
  const partitions = header[3]!;
  if (band >= bands || partition >= partitions) {
    throw new Error(`Bucket file ${uri} has ${bands} bands x ${partitions} partitions, not band ${band} partition ${partition}`);
  }
  const section = band * partitions + partition;
  const offsetBytes = await readRange(uri, (HEADER_WORDS + section) * 4, (HEADER_WORDS + section + 2) * 4 - 1);
  const [first, last] = toWords(offsetBytes);
  const bodyStart = (HEADER_WORDS + bands * partitions + 1) * 4;
  const bytes = await readRange(uri, bodyStart + first! * ENTRY_WORDS * 4, bodyStart + last! * ENTRY_WORDS * 4 - 1);
  return toWords(bytes);
}

/** Decodes a whole bucket file into its entries and the band of each entry. */
export function decodeBuckets(bytes: Buffer, uri: string): { entries: Uint32Array; entryBands: Uint16Array; bands: number; partitions: number } {
  const words = toWords(bytes);
  if (words[0] !== BUCKET_MAGIC || words[1] !== FORMAT_VERSION) {
    throw new Error(`Invalid bucket file ${uri}: unknown magic or version`);
  }
  const bands = words[2]!;
  const partitions = words[3]!;
  const offsets = words.subarray(HEADER_WORDS, HEADER_WORDS + bands * partitions + 1);
  const entries = words.subarray(HEADER_WORDS + bands * partitions + 1);
  const entryBands = new Uint16Array(entries.length / ENTRY_WORDS);
  for (let section = 0; section < bands * partitions; section += 1) {
    entryBands.fill(Math.floor(section / partitions), offsets[section]!, offsets[section + 1]!);
  }
  return { entries, entryBands, bands, partitions };
}
