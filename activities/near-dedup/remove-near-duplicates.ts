// Phase 4 of MinHash deduplication: rewrite one shard without its removed documents. Removed
// documents go to rejected/ with reason `near_duplicate`, the kept document's id and the cluster
// id. When the run publishes to an index, the shard's work files are copied into the index
// segment with the removed documents' bucket entries left out.
import { RemoveNearDuplicatesInput, RemoveNearDuplicatesOutput, nearDedupConfig } from '../../schemas/near-dedup';
import type { RejectedRecord } from '../../schemas/document';
import { emptyStats } from '../../schemas/stats';
import { JsonlShardWriter } from '../shards/jsonl-writer';
import { readJsonlLines } from '../shards/jsonl-reader';
import { storageFor } from '../storage';
import type { WriteResult } from '../storage';
import type { RemovalList } from './build-clusters';
import { parseShardDocument } from './documents';
import { decodeBuckets, encodeBuckets, shardWorkPaths } from './files';
import { heartbeatProgress } from './heartbeat';
import { removalListUri, signatureFolder, stageOutputPaths } from './layout';
import { configHash, describeFile, findMatchingManifest, writeManifest } from './manifest';

const MAX_RAW_CHARACTERS = 64 * 1024;

export async function removeNearDuplicates(rawInput: RemoveNearDuplicatesInput): Promise<RemoveNearDuplicatesOutput> {
  const input = RemoveNearDuplicatesInput.parse(rawInput);
  const paths = stageOutputPaths(input.outputUri, input.shardIndex);
  const removalUri = removalListUri(input.outputUri, input.shardIndex);
  const hash = configHash({ ...nearDedupConfig(input.options), indexSegmentUri: input.indexSegmentUri ?? null });
  const inputs = [await describeFile(input.shardUri), await describeFile(removalUri)];
  const existing = await findMatchingManifest(paths.manifest, inputs, hash);
  if (existing?.stats) {
    return { shardIndex: input.shardIndex, shardUri: paths.documents, rejectedUri: paths.rejected, stats: existing.stats, skipped: true };
  }

  const list = JSON.parse((await (await storageFor(removalUri)).readBytes(removalUri)).toString('utf8')) as RemovalList;
  const removals = new Map(list.removals.map((removal) => [removal.documentIndex, removal]));
  const keepers = new Map(list.keepers.map((keeper) => [keeper.documentIndex, keeper.clusterId]));
  const stats = emptyStats();
  const documents = await JsonlShardWriter.open(paths.documents);
  const rejected = await JsonlShardWriter.open(paths.rejected);

  let recordIndex = 0;
  for await (const line of readJsonlLines(input.shardUri)) {
    const document = parseShardDocument(JSON.parse(line.text), input.shardUri, recordIndex);
    const removal = removals.get(recordIndex);
    stats.total += 1;
    if (removal) {
      stats.dropped += 1;
      stats.droppedByReason.near_duplicate = (stats.droppedByReason.near_duplicate ?? 0) + 1;
      const record: RejectedRecord = {
        id: document.id,
        stage: 'near-dedup',
        reason: 'near_duplicate',
        detail: `Document ${document.id} is a near duplicate of ${removal.keptId} (estimated Jaccard similarity ${removal.similarity.toFixed(3)}, cluster ${removal.clusterId})`,
        inputUri: input.shardUri,
        recordIndex,
        byteOffset: line.byteOffset,
        byteLength: Buffer.byteLength(line.text),
        raw: line.text.length <= MAX_RAW_CHARACTERS ? line.text : undefined,
        measurements: { clusterId: removal.clusterId, keptId: removal.keptId, similarity: removal.similarity },
      };
      await rejected.write(record);
    } else {
      stats.kept += 1;
      const clusterId = keepers.get(recordIndex);
      await documents.write(clusterId ? { ...document, metadata: { ...document.metadata, nearDedupClusterId: clusterId } } : document);
    }
    recordIndex += 1;
    if (recordIndex % 1000 === 0) heartbeatProgress({ documents: recordIndex });
  }
  const outputs: WriteResult[] = [await documents.close(), await rejected.close()];
  const records = [stats.kept, stats.dropped];

  if (input.indexSegmentUri) {
    const published = await copyToIndexSegment(input.outputUri, input.indexSegmentUri, input.shardIndex, new Set(removals.keys()));
    outputs.push(...published);
  }
  await writeManifest(paths.manifest, {
    stage: 'near-dedup',
    configHash: hash,
    inputs,
    outputs: outputs.map((output, i) => ({ ...output, records: records[i] })),
    stats,
  });
  return { shardIndex: input.shardIndex, shardUri: paths.documents, rejectedUri: paths.rejected, stats, skipped: false };
}

/** Copies a shard's signatures and document table into the index and its bucket entries without the removed documents. */
async function copyToIndexSegment(outputUri: string, segmentUri: string, shardIndex: number, removed: Set<number>): Promise<WriteResult[]> {
  const source = shardWorkPaths(signatureFolder(outputUri), shardIndex);
  const target = shardWorkPaths(segmentUri, shardIndex);
  const storage = await storageFor(source.signatures);
  const targetStorage = await storageFor(target.signatures);

  const buckets = decodeBuckets(await storage.readBytes(source.buckets), source.buckets);
  const keptEntries: number[] = [];
  const keptBands: number[] = [];
  for (let entry = 0; entry < buckets.entryBands.length; entry += 1) {
    if (removed.has(buckets.entries[entry * 3 + 2]!)) continue;
    keptEntries.push(buckets.entries[entry * 3]!, buckets.entries[entry * 3 + 1]!, buckets.entries[entry * 3 + 2]!);
    keptBands.push(buckets.entryBands[entry]!);
  }
  return [
    await targetStorage.write(target.signatures, await storage.readBytes(source.signatures)),
    await targetStorage.write(target.documentTable, await storage.readBytes(source.documentTable)),
    await targetStorage.write(
      target.buckets,
      encodeBuckets(Uint32Array.from(keptEntries), Uint16Array.from(keptBands), buckets.bands, buckets.partitions),
    ),
  ];
}
