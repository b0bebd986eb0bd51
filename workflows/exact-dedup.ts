// The `exactDedup` workflow: removes documents whose normalised text repeats an earlier one, in
// three phases, one activity each: hash every shard -> find duplicates in one pass in shard
// order -> rewrite every shard without its duplicates. The per-shard phases run in child
// workflows of `batchSize` shards, and the workflow continues as new after `maxChildrenPerRun`
// children, so its history stays small however many shards there are.
import { continueAsNew, executeChild, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type * as activities from '../activities/exact-dedup';
import { ExactDedupBatchInput, ExactDedupCarry, ExactDedupInput } from '../schemas/exact-dedup';
import type { ExactDedupBatchOutput, ExactDedupOptions, ExactDedupOutput } from '../schemas/exact-dedup';
import { addStats, emptyStats } from '../schemas/stats';
import { joinUri } from '../schemas/layout';
import { inputShards, shardCountOf, shardFolder, shardUrisBetween } from '../schemas/shard-set';
import { parseWorkflowInput } from './validate';
import { forEachLimited } from './for-each-limited';
import { batchChildId, fanOutBatches } from './batch-fan-out';

const NON_RETRYABLE = ['InvalidDocument', 'ExactDedupDropListMismatch'];
// Children run at most this many at once; each keeps `concurrency` activities in flight.
const CHILDREN_IN_FLIGHT = 4;
const PHASES: ExactDedupCarry['phase'][] = ['hashes', 'duplicates', 'removal'];

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

export async function exactDedup(rawInput: ExactDedupInput = {}, carried?: ExactDedupCarry): Promise<ExactDedupOutput> {
  const input = parseWorkflowInput('exactDedup', ExactDedupInput, rawInput);
  const { outputUri, options } = input;
  const shards = inputShards(input);
  const shardCount = shardCountOf(shards);
  const { whole } = activitiesFor(options);
  const taskQueue = options.taskQueue ?? workflowInfo().taskQueue;
  const carry: ExactDedupCarry = carried ? ExactDedupCarry.parse(carried) : { phase: 'hashes', nextBatch: 0, stats: emptyStats(), skipped: 0, continuedRuns: 0 };
  const started = { count: 0, limit: options.maxChildrenPerRun };

  /** Runs the batches of a shard phase; false when the run reached its child limit first. */
  const fanOut = async (phase: ExactDedupBatchInput['phase']): Promise<boolean> => {
    const batches = Math.ceil(shardCount / options.batchSize);
    carry.nextBatch = await fanOutBatches({
      batches,
      nextBatch: carry.nextBatch,
      inFlight: CHILDREN_IN_FLIGHT,
      started,
      runBatch: async (batch) => {
        const first = batch * options.batchSize;
        const args: ExactDedupBatchInput = { phase, outputUri, options, shardUris: shardUrisBetween(shards, first, options.batchSize), firstShardIndex: first };
        const result = await executeChild(exactDedupBatch, { args: [args], taskQueue, workflowId: batchChildId(phase, batch) });
        carry.skipped += result.skipped;
        addStats(carry.stats, result.stats);
      },
    });
    return carry.nextBatch >= batches;
  };

  for (let phaseIndex = PHASES.indexOf(carry.phase); phaseIndex < PHASES.length; phaseIndex += 1) {
    const phase = PHASES[phaseIndex]!;
    carry.phase = phase;
    if (phase === 'duplicates') {
      carry.found = await whole.findExactDuplicates({ outputUri, shardCount });
      log.info('Exact-dedup duplicates found', { shards: shardCount, documents: carry.found.documents, duplicates: carry.found.duplicates });
    } else if (!(await fanOut(phase))) {
      carry.continuedRuns += 1;
      log.info('Exact-dedup continuing as new to keep the history small', { phase, nextBatch: carry.nextBatch, continuedRuns: carry.continuedRuns });
      return continueAsNew<typeof exactDedup>(rawInput, carry);
    }
    carry.nextBatch = 0;
  }

  const found = carry.found!;
  log.info('Exact-dedup finished', { total: carry.stats.total, kept: carry.stats.kept, dropped: carry.stats.dropped });
  return {
    shards: shardFolder(outputUri, shardCount),
    rejected: shardFolder(joinUri(outputUri, 'rejected'), shardCount),
    stats: carry.stats,
    duplicates: found.duplicates,
    manifestHits: carry.skipped + (found.skipped ? 1 : 0),
    continuedRuns: carry.continuedRuns,
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
