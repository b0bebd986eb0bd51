// The `exactDedup` workflow: removes documents whose normalised text repeats an earlier one, in
// three phases, one activity each: hash every shard -> find duplicates in one pass in shard
// order -> rewrite every shard without its duplicates. The per-shard phases run in child
// workflows of `batchSize` shards, so the parent's history grows by one child per batch.
import { executeChild, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type * as activities from '../activities/exact-dedup';
import { ExactDedupBatchInput, ExactDedupInput } from '../schemas/exact-dedup';
import type { ExactDedupBatchOutput, ExactDedupOptions, ExactDedupOutput } from '../schemas/exact-dedup';
import { addStats, emptyStats } from '../schemas/stats';
import { joinUri } from '../schemas/layout';
import { inputShards, shardCountOf, shardFolder, shardUrisBetween } from '../schemas/shard-set';
import { parseWorkflowInput } from './validate';
import { forEachLimited } from './for-each-limited';
import { batchChildId } from './batch-fan-out';

const NON_RETRYABLE = ['InvalidDocument', 'ExactDedupDropListMismatch'];
// Children run at most this many at once; each keeps `concurrency` activities in flight.
const CHILDREN_IN_FLIGHT = 4;

function activitiesFor(options: ExactDedupOptions) {
  const taskQueue = options.taskQueue ?? workflowInfo().taskQueue;
  // Hashing or rewriting one shard is bounded by the shard size, so an hour is generous.
  // Heartbeats every 1000 documents catch a dead worker within minutes.
  const perShard = proxyActivities<typeof activities>({
    taskQueue,
    startToCloseTimeout: '1 hour',
    heartbeatTimeout: '5 minutes',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE },
  });
  // Finding duplicates reads every hash file of the run in one activity; it heartbeats per shard.
  const whole = proxyActivities<typeof activities>({
    taskQueue,
    startToCloseTimeout: '6 hours',
    heartbeatTimeout: '10 minutes',
    retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE },
  });
  return { perShard, whole };
}

function emptyBatchOutput(): ExactDedupBatchOutput {
  return { stats: emptyStats(), documents: 0, skipped: 0 };
}

export async function exactDedup(rawInput: ExactDedupInput = {}): Promise<ExactDedupOutput> {
  const input = parseWorkflowInput('exactDedup', ExactDedupInput, rawInput);
  const { outputUri, options } = input;
  const shards = inputShards(input);
  const shardCount = shardCountOf(shards);
  const { whole } = activitiesFor(options);
  const taskQueue = options.taskQueue ?? workflowInfo().taskQueue;

  const runBatches = async (phase: ExactDedupBatchInput['phase']): Promise<ExactDedupBatchOutput[]> => {
    const batches = Math.ceil(shardCount / options.batchSize);
    const results: ExactDedupBatchOutput[] = new Array(batches);
    await forEachLimited(batches, CHILDREN_IN_FLIGHT, async (batch) => {
      const first = batch * options.batchSize;
      const args: ExactDedupBatchInput = {
        phase,
        outputUri,
        options,
        shardUris: shardUrisBetween(shards, first, options.batchSize),
        firstShardIndex: first,
      };
      results[batch] = await executeChild(exactDedupBatch, {
        args: [args],
        taskQueue,
        workflowId: batchChildId(phase, batch),
      });
    });
    return results;
  };

  const hashed = await runBatches('hashes');
  const found = await whole.findExactDuplicates({ outputUri, shardCount });
  log.info('Exact-dedup duplicates found', { shards: shardCount, documents: found.documents, duplicates: found.duplicates });

  const removed = await runBatches('removal');
  const total = emptyBatchOutput();
  for (const batch of removed) addStats(total.stats, batch.stats);
  const manifestHits = [...hashed, ...removed].reduce((sum, batch) => sum + batch.skipped, 0) + (found.skipped ? 1 : 0);

  log.info('Exact-dedup finished', { total: total.stats.total, kept: total.stats.kept, dropped: total.stats.dropped });
  return {
    shards: shardFolder(outputUri, shardCount),
    rejected: shardFolder(joinUri(outputUri, 'rejected'), shardCount),
    stats: total.stats,
    duplicates: found.duplicates,
    manifestHits,
  };
}

/** Child workflow: one phase over one batch of shards, `concurrency` activities at a time. */
export async function exactDedupBatch(rawInput: ExactDedupBatchInput): Promise<ExactDedupBatchOutput> {
  const input = parseWorkflowInput('exactDedupBatch', ExactDedupBatchInput, rawInput);
  const { perShard } = activitiesFor(input.options);
  const output = emptyBatchOutput();

  await forEachLimited(input.shardUris.length, input.options.concurrency, async (item) => {
    const shard = { shardUri: input.shardUris[item]!, shardIndex: input.firstShardIndex + item, outputUri: input.outputUri };
    if (input.phase === 'hashes') {
      const result = await perShard.hashShardDocuments(shard);
      output.documents += result.documents;
      if (result.skipped) output.skipped += 1;
      return;
    }
    const result = await perShard.removeExactDuplicates(shard);
    addStats(output.stats, result.stats);
    output.documents += result.stats.total;
    if (result.skipped) output.skipped += 1;
  });
  return output;
}
