// The persistent index: the signature, bucket and document-table files of every published run,
// kept under `<indexUri>/segments/<name>/` with `index.json` listing segments in publication
// order. A later run reads their bucket sections next to its own, so new documents are compared
// with everything published without recomputing old signatures.
import { ApplicationFailure } from '@temporalio/common';
import { NearDedupIndexFile, nearDedupIndexConfig } from '../../schemas/near-dedup';
import type { NearDedupOptions } from '../../schemas/near-dedup';
import { storageFor } from '../storage';
import { configHash } from './manifest';
import { indexFileUri, indexSegmentUri, signatureFolder } from './layout';

/** One shard whose work files take part in a run: published in the index or new in this run. */
export interface ShardSource {
  ordinal: number;
  folderUri: string;
  shardIndex: number;
  published: boolean;
}

export async function readIndexFile(indexUri: string): Promise<NearDedupIndexFile | undefined> {
  const uri = indexFileUri(indexUri);
  const storage = await storageFor(uri);
  if (!(await storage.stat(uri))) return undefined;
  const parsed = NearDedupIndexFile.safeParse(JSON.parse((await storage.readBytes(uri)).toString('utf8')));
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(`Invalid near-dedup index ${uri}: ${parsed.error.issues[0]?.message}`, 'InvalidNearDedupIndex');
  }
  return parsed.data;
}

/** Fails without retries when the index was built with other shingles, bands, rows, seed or partitions. */
export function assertIndexMatches(index: NearDedupIndexFile, indexUri: string, options: NearDedupOptions): void {
  const expected = configHash(nearDedupIndexConfig(options));
  if (index.configHash !== expected) {
    throw ApplicationFailure.nonRetryable(
      `Near-dedup index ${indexUri} was built with ${JSON.stringify(index.config)}, but this run uses ` +
        `${JSON.stringify(nearDedupIndexConfig(options))}: use the same shingle, band, row, seed and partition options or a new indexUri`,
      'NearDedupIndexMismatch',
    );
  }
}

/**
 * Lists the shards of the first `segments` index segments (ordinals 0..K-1), then this run's
 * shards (ordinals K..K+shardCount-1).
 */
export async function shardSources(
  outputUri: string,
  shardCount: number,
  indexUri: string | undefined,
  segments: number,
  options: NearDedupOptions,
): Promise<ShardSource[]> {
  const sources: ShardSource[] = [];
  if (indexUri && segments > 0) {
    const index = await readIndexFile(indexUri);
    if (!index || index.segments.length < segments) {
      throw ApplicationFailure.nonRetryable(`Near-dedup index ${indexUri} has fewer than ${segments} segments`, 'InvalidNearDedupIndex');
    }
    assertIndexMatches(index, indexUri, options);
    for (const segment of index.segments.slice(0, segments)) {
      const folderUri = indexSegmentUri(indexUri, segment.name);
      for (let shardIndex = 0; shardIndex < segment.shardCount; shardIndex += 1) {
        sources.push({ ordinal: sources.length, folderUri, shardIndex, published: true });
      }
    }
  }
  const folderUri = signatureFolder(outputUri);
  for (let shardIndex = 0; shardIndex < shardCount; shardIndex += 1) {
    sources.push({ ordinal: sources.length, folderUri, shardIndex, published: false });
  }
  return sources;
}
