// The storage interface every activity uses. Locations are URIs: `file:///abs/path`
// (or a plain path) for a local folder, `s3://bucket/key` for any S3-compatible store.
import type { Readable } from 'node:stream';

export interface ObjectInfo {
  uri: string;
  size: number;
  /** Modification time in milliseconds since the epoch, when the store reports it. */
  modifiedMs?: number;
}

export interface WriteResult {
  uri: string;
  bytes: number;
  sha256: string;
}

export interface ReadRange {
  /** First byte to read, inclusive. */
  start?: number;
  /** Last byte to read, inclusive (the same convention as HTTP Range and fs.createReadStream). */
  end?: number;
}

export interface Storage {
  /** Returns size and time of one object, or undefined when it does not exist. */
  stat(uri: string): Promise<ObjectInfo | undefined>;
  /** Lists every object under a prefix (a folder or key prefix), recursively, in key order. */
  list(prefixUri: string): AsyncIterable<ObjectInfo>;
  /** Streams an object's bytes without loading it into memory. */
  openRead(uri: string, range?: ReadRange): Promise<Readable>;
  /** Reads a whole small object (manifests, plans). */
  readBytes(uri: string): Promise<Buffer>;
  /**
   * Writes an object so that readers see either nothing or the complete content:
   * a temp file renamed into place locally, a completed (multipart) upload on S3.
   */
  write(uri: string, body: Buffer | string | Readable): Promise<WriteResult>;
  delete(uri: string): Promise<void>;
}
