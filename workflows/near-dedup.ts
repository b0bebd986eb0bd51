// The `nearDedup` workflow: MinHash LSH near-duplicate removal in four phases, one activity each:
// signatures per shard -> candidate pairs per (band, hash range) -> clusters -> removal per shard.
// Shard and section fan-outs run in child workflows of `batchSize` items, and the workflow
// continues as new after `maxChildrenPerRun` children, so its history stays small however many
// shards there are. Shards travel as a folder and a count, never as one long list.
import { continueAsNew, executeChild, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type * as activities from '../activities/near-dedup';
import { NearDedupBatchInput, NearDedupCarry, NearDedupInput } from '../schemas/near-dedup';
import type { NearDedupBatchOutput, NearDedupOptions, NearDedupOutput } from '../schemas/near-dedup';
import { joinUri } from '../schemas/layout';
import { inputShards, shardCountOf, shardFolder, shardUrisBetween } from '../schemas/shard-set';
import { addStats, emptyStats } from '../schemas/stats';
import { parseWorkflowInput } from './validate';
import { batchChildId, fanOutBatches } from './batch-fan-out';
import { forEachLimited } from './for-each-limited';

const NON_RETRYABLE = ['InvalidDocument', 'NearDedupIndexMismatch', 'InvalidNearDedupIndex'];
// Children run at most this many at once; each keeps `concurrency` activities in flight.
const CHILDREN_IN_FLIGHT = 4;
const PHASES: NearDedupCarry['phase'][] = ['signatures', 'buckets', 'clusters', 'removal', 'publish'];

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
  return { stats: emptyStats(), documents: 0, candidatePairs: 0, skipped: 0 };
}

export async function nearDedup(rawInput: NearDedupInput = {}, carried?: NearDedupCarry): Promise<NearDedupOutput> {
  const input = parseWorkflowInput('nearDedup', NearDedupInput, rawInput);
  const { options, outputUri } = input;
  const { whole } = activitiesFor(options);
  const taskQueue = options.taskQueue ?? workflowInfo().taskQueue;
  const shards = inputShards(input);
  const shardCount = shardCountOf(shards);
  const sections = options.bands * options.partitions;

  const carry: NearDedupCarry = carried
    ? NearDedupCarry.parse(carried)
    : {
        phase: 'signatures',
        nextBatch: 0,
        index: options.indexUri ? await whole.openNearDedupIndex({ indexUri: options.indexUri, outputUri, options }) : undefined,
        documents: 0,
        candidatePairs: 0,
        stats: emptyStats(),
        skipped: 0,
        continuedRuns: 0,
      };
  const indexSegments = carry.index?.segments ?? 0;
  const publishing = carry.index && options.publishIndex ? carry.index : undefined;
  const started = { count: 0, limit: options.maxChildrenPerRun };

  /** Runs the batches of a fan-out phase; false when the run reached its child limit first. */
  const fanOut = async (phase: NearDedupBatchInput['phase']): Promise<boolean> => {
    const itemCount = phase === 'buckets' ? sections : shardCount;
    const batches = Math.ceil(itemCount / options.batchSize);
    carry.nextBatch = await fanOutBatches({
      batches,
      nextBatch: carry.nextBatch,
      inFlight: CHILDREN_IN_FLIGHT,
      started,
      runBatch: async (batch) => {
        const first = batch * options.batchSize;
        const count = Math.min(options.batchSize, itemCount - first);
        const items: Partial<NearDedupBatchInput> =
          phase === 'buckets' ? { firstSection: first, sectionCount: count } : { shardUris: shardUrisBetween(shards, first, count), firstShardIndex: first };
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
          indexSegmentUri: phase === 'removal' ? publishing?.segmentUri : undefined,
          ...items,
        };
        const result = await executeChild(nearDedupBatch, {
          args: [args],
          taskQueue,
          workflowId: batchChildId(phase, batch),
        });
        carry.documents += result.documents;
        carry.candidatePairs += result.candidatePairs;
        carry.skipped += result.skipped;
        addStats(carry.stats, result.stats);
      },
    });
    return carry.nextBatch >= batches;
  };

  for (let phaseIndex = PHASES.indexOf(carry.phase); phaseIndex < PHASES.length; phaseIndex += 1) {
    const phase = PHASES[phaseIndex]!;
    carry.phase = phase;
    if (phase === 'clusters') {
      carry.clusters = await whole.buildDuplicateClusters({ outputUri, shardCount, indexUri: options.indexUri, indexSegments, options });
      log.info('Near-dedup clusters built', {
        clusters: carry.clusters.clusters,
        duplicates: carry.clusters.duplicates,
        candidatePairs: carry.candidatePairs,
        verifiedPairs: carry.clusters.verifiedPairs,
      });
    } else if (phase === 'publish') {
      if (publishing && options.indexUri) {
        const segments = await whole.publishNearDedupIndex({ indexUri: options.indexUri, segmentName: publishing.segmentName, shardCount, documents: carry.stats.kept, options });
        log.info('Near-dedup index published', { indexUri: options.indexUri, segments });
      }
    } else if (!(await fanOut(phase))) {
      carry.continuedRuns += 1;
      log.info('Near-dedup continuing as new to keep the history small', { phase, nextBatch: carry.nextBatch, continuedRuns: carry.continuedRuns });
      return continueAsNew<typeof nearDedup>(rawInput, carry);
    } else if (phase === 'signatures') {
      log.info('Near-dedup signatures done', { shards: shardCount, documents: carry.documents });
    }
    carry.nextBatch = 0;
  }

  const clusters = carry.clusters!;
  log.info('Near-dedup finished', { total: carry.stats.total, kept: carry.stats.kept, dropped: carry.stats.dropped, clusters: clusters.clusters });
  return {
    shards: shardFolder(outputUri, shardCount),
    rejected: shardFolder(joinUri(outputUri, 'rejected'), shardCount),
    stats: carry.stats,
    clusters: clusters.clusters,
    duplicates: clusters.duplicates,
    candidatePairs: carry.candidatePairs,
    clustersUri: clusters.clustersUri,
    indexSegments,
    manifestHits: carry.skipped + (clusters.skipped ? 1 : 0),
    continuedRuns: carry.continuedRuns,
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
    if (result.skipped) output.skipped += 1;
  });
  return output;
}
