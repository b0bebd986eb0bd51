// Records yielded by the input readers, one per record found in an input file.
import type { RejectionReason } from '../../schemas/document';

interface RecordOrigin {
  inputUri: string;
  /** 0-based position of the record inside its input file. */
  recordIndex: number;
  /** Offset of the record in the (decompressed, for JSONL.gz) file, when the reader knows it. */
  byteOffset?: number;
}

/** An HTML page whose bytes still need decoding and extraction. */
export interface HtmlInputRecord extends RecordOrigin {
  kind: 'html';
  bytes: Uint8Array;
  url?: string;
  /** The HTTP Content-Type header, whose charset wins over the page's own declaration. */
  contentType?: string;
  warcRecordId?: string;
}

/** A record that already carries plain text (JSONL input). */
export interface TextInputRecord extends RecordOrigin {
  kind: 'text';
  text: string;
  sourceId?: string;
  url?: string;
  extra?: Record<string, unknown>;
}

/** A record the reader could not turn into a document; it goes to rejected/ with its reason. */
export interface RejectedInputRecord extends RecordOrigin {
  kind: 'rejected';
  reason: RejectionReason;
  detail: string;
  byteLength?: number;
  raw?: string;
  rawBytes?: Uint8Array;
}

/** A record that is not meant to be a document at all (a WARC request record, say): counted only. */
export interface SkippedInputRecord extends RecordOrigin {
  kind: 'skipped';
  reason: string;
}

export type InputRecord = HtmlInputRecord | TextInputRecord | RejectedInputRecord | SkippedInputRecord;

export interface ReaderOptions {
  /** Records larger than this are rejected as document_too_large without being loaded. */
  maxRecordBytes: number;
  /** JSONL field that contains the document text. */
  textField: string;
  /** Optional JSONL field that contains a document id to keep in metadata. */
  idField?: string;
}
