// On-disk record schemas. Documents are JSON Lines, one object per line, readable by
// Hugging Face `datasets` as is. Pure module: imported by workflows and activities alike.
import { z } from 'zod';

export const DocumentMetadata = z
  .object({
    url: z.string().optional(),
    title: z.string().optional(),
    inputUri: z.string().describe('Storage URI of the input file this document came from'),
    recordIndex: z.number().int().nonnegative().describe('0-based position of the record inside its input file'),
    warcRecordId: z.string().optional(),
    encoding: z.string().optional().describe('Character encoding used to decode the page bytes'),
    language: z.string().optional(),
    languageScore: z.number().optional(),
    filtersPassed: z.array(z.string()).optional(),
  })
  .catchall(z.unknown());
export type DocumentMetadata = z.infer<typeof DocumentMetadata>;

export const Document = z.object({
  id: z.string(),
  text: z.string(),
  source: z.string().describe('Dataset family the document belongs to, for example "web"'),
  metadata: DocumentMetadata,
});
export type Document = z.infer<typeof Document>;

/** Closed set of reasons a record can be rejected for; snake_case so counts group cleanly. */
export const RejectionReason = z.enum([
  'binary_content',
  'document_too_large',
  'empty_extraction',
  'extraction_failed',
  'invalid_json',
  'missing_text_field',
  'invalid_text_field',
  'truncated_input',
  'unreadable_file',
  'unsupported_file_type',
  'invalid_warc_record',
  'exact_duplicate',
  'near_duplicate',
  'benchmark_ngram_match',
]);
export type RejectionReason = z.infer<typeof RejectionReason>;

/**
 * A record that a stage could not use. It keeps enough to recover the original bytes:
 * the raw text when it is small, otherwise the byte range inside the input file.
 */
export const RejectedRecord = z.object({
  id: z.string(),
  stage: z.string(),
  reason: RejectionReason.or(z.string()),
  detail: z.string().describe('Plain-words explanation naming the file, record and field'),
  inputUri: z.string(),
  recordIndex: z.number().int().nonnegative().optional(),
  byteOffset: z.number().int().nonnegative().optional(),
  byteLength: z.number().int().nonnegative().optional(),
  raw: z.string().optional().describe('Original record content when it is at most 64 KiB of text'),
  rawBase64: z.string().optional().describe('Original bytes, base64, when they are not text and at most 64 KiB'),
  measurements: z.record(z.string(), z.unknown()).optional(),
});
export type RejectedRecord = z.infer<typeof RejectedRecord>;
