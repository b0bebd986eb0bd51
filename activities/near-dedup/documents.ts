// Document parsing shared by the per-shard activities of both stages.
import { ApplicationFailure } from '@temporalio/common';
import { Document } from '../../schemas/document';

/** Parses one shard record; a record that is not a Document fails the activity without retries. */
export function parseShardDocument(record: unknown, shardUri: string, recordIndex: number): Document {
  // Shards come from JsonlShardWriter, so nearly every record is valid: check the fields this
  // stage reads directly and leave the full schema, which is much slower, to explain a failure.
  const candidate = record as Partial<Document> | null;
  if (
    typeof candidate?.id === 'string' &&
    typeof candidate.text === 'string' &&
    typeof candidate.source === 'string' &&
    typeof candidate.metadata === 'object' &&
    candidate.metadata !== null
  ) {
    return candidate as Document;
  }
  const parsed = Document.safeParse(record);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || '(record)';
  throw ApplicationFailure.nonRetryable(
    `Invalid document in ${shardUri} at record ${recordIndex}, field ${field}: ${issue?.message ?? 'not a document'}`,
    'InvalidDocument',
  );
}
