// The `nearDedup` workflow: MinHash LSH near-duplicate removal in four phases, one activity each:
// signatures per shard -> candidate pairs per (band, hash range) -> clusters -> removal per shard.
// Shard and section fan-outs run in child workflows of `batchSize` items, so the parent's history
// grows by one child per batch however many shards there are.
import { executeChild, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type * as activities from '../activities/near-dedup';
import { NearDedupBatchInput, NearDedupInput } from '../schemas/near-dedup';
import type { NearDedupBatchOutput, NearDedupOptions, NearDedupOutput } from '../schemas/near-dedup';
import { addStats, emptyStats } from '../schemas/stats';
import { parseWorkflowInput } from './validate';
import { forEachLimited } from './for-each-limited';

const NON_RETRYABLE = ['InvalidDocument', 'NearDedupIndexMismatch', 'InvalidNearDedupIndex'];
// Children run at most this many at once; each keeps `concurrency` activities in flight.
const CHILDREN_IN_FLIGHT = 4;

function activitiesFor(options: NearDedupOptions) {
  const taskQueue = options.taskQueue ?? workflowInfo().taskQueue;
  // A shard or a (band, partition) section is bounded, so an hour is generous. Heartbeats come
  // every 1000 documents or 100 shards and catch a dead worker within minutes.
  const perShard = proxyActivities<typeof activities>({
    taskQueue,
    startToCloseTimeout: '1 hour',
    heartbeatTimeout: '5 minutes',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE },
  });
  // Clustering reads every candidate pair of the run in one activity.
  const whole = proxyActivities<typeof activities>({
    taskQueue,
    startToCloseTimeout: '6 hours',
    heartbeatTimeout: '30 minutes',
    retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE },
  });
  return { perShard, whole };
}

function emptyBatchOutput(): NearDedupBatchOutput {
  return { shardUris: [], rejectedUris: [], stats: emptyStats(), documents: 0, candidatePairs: 0, skipped: 0 };
}

export async function nearDedup(rawInput: NearDedupInput = {}): Promise<NearDedupOutput> {
  const input = parseWorkflowInput('nearDedup', NearDedupInput, rawInput);
  const { options, outputUri, shardUris } = input;
  const { whole } = activitiesFor(options);
  const taskQueue = options.taskQueue ?? workflowInfo().taskQueue;
  const shardCount = shardUris.length;

  const index = options.indexUri ? await whole.openNearDedupIndex({ indexUri: options.indexUri, outputUri, options }) : undefined;
  const indexSegments = index?.segments ?? 0;

  const runBatches = async (phase: NearDedupBatchInput['phase'], itemCount: number, extra: (first: number, count: number) => Partial<NearDedupBatchInput>) => {
    const batches = Math.ceil(itemCount / options.batchSize);
    const results: NearDedupBatchOutput[] = new Array(batches);
    await forEachLimited(batches, CHILDREN_IN_FLIGHT, async (batch) => {
      const first = batch * options.batchSize;
      const count = Math.min(options.batchSize, itemCount - first);
      const args: NearDedupBatchInput = {
        phase,
        outputUri,
        options,
        shardUris: [],
        firstShardIndex: 0,
        firstSection: 0,
        sectionCount: 0,
        shardCount,
        indexUri: options.indexUri,
        indexSegments,
        ...extra(first, count),
      };
      results[batch] = await executeChild(nearDedupBatch, {
        args: [args],
        taskQueue,
        workflowId: `${workflowInfo().workflowId}-${phase}-${String(batch).padStart(5, '0')}`,
      });
    });
    return results;
  };

  const signed = await runBatches('signatures', shardCount, (first, count) => ({ shardUris: shardUris.slice(first, first + count), firstShardIndex: first }));
  const documents = signed.reduce((sum, batch) => sum + batch.documents, 0);
  log.info('Near-dedup signatures done', { shards: shardCount, documents });

  const sections = options.bands * options.partitions;
  const bucketed = await runBatches('buckets', sections, (first, count) => ({ firstSection: first, sectionCount: count }));
  const candidatePairs = bucketed.reduce((sum, batch) => sum + batch.candidatePairs, 0);

  const clusters = await whole.buildDuplicateClusters({ outputUri, shardCount, indexUri: options.indexUri, indexSegments, options });
  log.info('Near-dedup clusters built', { clusters: clusters.clusters, duplicates: clusters.duplicates, candidatePairs, verifiedPairs: clusters.verifiedPairs });

  const publishing = index && options.publishIndex ? index : undefined;
  const removed = await runBatches('removal', shardCount, (first, count) => ({
    shardUris: shardUris.slice(first, first + count),
    firstShardIndex: first,
    indexSegmentUri: publishing?.segmentUri,
  }));
  const total = removed.reduce((sum, batch) => {
    sum.shardUris.push(...batch.shardUris);
    sum.rejectedUris.push(...batch.rejectedUris);
    addStats(sum.stats, batch.stats);
    return sum;
  }, emptyBatchOutput());

  if (publishing && options.indexUri) {
    const segments = await whole.publishNearDedupIndex({
      indexUri: options.indexUri,
      segmentName: publishing.segmentName,
      shardCount,
      documents: total.stats.kept,
      options,
    });
    log.info('Near-dedup index published', { indexUri: options.indexUri, segments });
  }

  log.info('Near-dedup finished', { total: total.stats.total, kept: total.stats.kept, dropped: total.stats.dropped, clusters: clusters.clusters });
  return {
    shardUris: total.shardUris,
    rejectedUris: total.rejectedUris,
    stats: total.stats,
    clusters: clusters.clusters,
    duplicates: clusters.duplicates,
    candidatePairs,
    clustersUri: clusters.clustersUri,
    indexSegments,
    manifestHits: [...signed, ...bucketed, ...removed].reduce((sum, batch) => sum + batch.skipped, 0) + (clusters.skipped ? 1 : 0),
  };
}

/** Child workflow: one batch of one fan-out phase, `concurrency` activities at a time. */
export async function nearDedupBatch(rawInput: NearDedupBatchInput): Promise<NearDedupBatchOutput> {
  const input = parseWorkflowInput('nearDedupBatch', NearDedupBatchInput, rawInput);
  const { options, outputUri } = input;
  const { perShard } = activitiesFor(options);
  const output = emptyBatchOutput();

  if (input.phase === 'buckets') {
    await forEachLimited(input.sectionCount, options.concurrency, async (item) => {
      const section = input.firstSection + item;
      const result = await perShard.findBucketCandidates({
        outputUri,
        options,
        shardCount: input.shardCount,
        band: Math.floor(section / options.partitions),
        partition: section % options.partitions,
        indexUri: input.indexUri,
        indexSegments: input.indexSegments,
      });
      output.candidatePairs += result.candidatePairs;
      if (result.skipped) output.skipped += 1;
    });
    return output;
  }

  const shardOutputs: { shardUri: string; rejectedUri: string }[] = new Array(input.shardUris.length);
  await forEachLimited(input.shardUris.length, options.concurrency, async (item) => {
    const shard = { shardUri: input.shardUris[item]!, shardIndex: input.firstShardIndex + item, outputUri, options };
    if (input.phase === 'signatures') {
      const result = await perShard.computeShardSignatures(shard);
      output.documents += result.documents;
      if (result.skipped) output.skipped += 1;
      return;
    }
    const result = await perShard.removeNearDuplicates({ ...shard, indexSegmentUri: input.indexSegmentUri });
    addStats(output.stats, result.stats);
    shardOutputs[item] = { shardUri: result.shardUri, rejectedUri: result.rejectedUri };
    if (result.skipped) output.skipped += 1;
  });
  if (input.phase === 'removal') {
    output.shardUris = shardOutputs.map((shard) => shard.shardUri);
    output.rejectedUris = shardOutputs.map((shard) => shard.rejectedUri);
  }
  return output;
}
