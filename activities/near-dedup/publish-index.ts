// Opening and publishing the persistent near-dedup index. Publishing appends this run's segment
// to index.json after every shard's files are in place, so a reader sees all of a segment or none.
// NOTE: two runs publishing to the same index at the same moment can lose one segment; publish
// from one pipeline at a time.
import { createHash } from 'node:crypto';
import { OpenNearDedupIndexInput, OpenNearDedupIndexOutput, PublishNearDedupIndexInput, nearDedupIndexConfig } from '../../schemas/near-dedup';
import type { NearDedupIndexFile } from '../../schemas/near-dedup';
import { normalizeUri, storageFor } from '../storage';
import { assertIndexMatches, readIndexFile } from './index-store';
import { indexFileUri, indexSegmentUri } from './layout';
import { configHash } from './manifest';

/** Segment name of a run: derived from its output folder, so a retried or replayed run reuses it. */
export function segmentNameFor(outputUri: string): string {
  return `segment-${createHash('sha256').update(normalizeUri(outputUri)).digest('hex').slice(0, 16)}`;
}

/**
 * Returns how many published segments this run deduplicates against. When this run's own segment
 * is already published (a rerun after publishing), only the segments before it count, so the
 * run never matches its own documents.
 */
export async function openNearDedupIndex(rawInput: OpenNearDedupIndexInput): Promise<OpenNearDedupIndexOutput> {
  const input = OpenNearDedupIndexInput.parse(rawInput);
  const segmentName = segmentNameFor(input.outputUri);
  const segmentUri = indexSegmentUri(input.indexUri, segmentName);
  const index = await readIndexFile(input.indexUri);
  if (!index) return { segments: 0, documents: 0, segmentName, segmentUri };

  assertIndexMatches(index, input.indexUri, input.options);
  const own = index.segments.findIndex((segment) => segment.name === segmentName);
  const usable = own === -1 ? index.segments : index.segments.slice(0, own);
  const documents = usable.reduce((sum, segment) => sum + segment.documents, 0);
  return { segments: usable.length, documents, segmentName, segmentUri };
}

/** Appends this run's segment to index.json; does nothing when it is already listed. Returns the segment count. */
export async function publishNearDedupIndex(rawInput: PublishNearDedupIndexInput): Promise<number> {
  const input = PublishNearDedupIndexInput.parse(rawInput);
  const config = nearDedupIndexConfig(input.options);
  const index: NearDedupIndexFile = (await readIndexFile(input.indexUri)) ?? {
    format: 1,
    configHash: configHash(config),
    config,
    segments: [],
  };
  assertIndexMatches(index, input.indexUri, input.options);
  if (index.segments.some((segment) => segment.name === input.segmentName)) return index.segments.length;

  index.segments.push({
    name: input.segmentName,
    shardCount: input.shardCount,
    documents: input.documents,
    publishedAt: new Date().toISOString(),
  });
  const uri = indexFileUri(input.indexUri);
  await (await storageFor(uri)).write(uri, JSON.stringify(index, null, 2) + '\n');
  return index.segments.length;
}
