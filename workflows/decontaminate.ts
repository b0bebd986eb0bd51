// The `decontaminate` workflow: remove documents that contain benchmark test text.
// Phases: benchmark n-gram index -> scan per shard -> common n-grams across the run -> removal
// per shard -> stage manifest. Shard phases run in child workflows of `batchSize` shards, and
// the workflow continues as new after `maxChildrenPerRun` children, so its history stays small
// however many shards there are. Shards travel as a folder and a count, never as one long list.
import { continueAsNew, executeChild, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type * as activities from '../activities/decontaminate';
import { DecontaminateBatchInput, DecontaminateCarry, DecontaminateInput, addHits } from '../schemas/decontaminate';
import type { DecontaminateBatchOutput, DecontaminateOptions, DecontaminateOutput } from '../schemas/decontaminate';
import { joinUri } from '../schemas/layout';
import { inputShards, shardCountOf, shardFolder, shardUrisBetween } from '../schemas/shard-set';
import { addStats, emptyStats } from '../schemas/stats';
import { parseWorkflowInput } from './validate';
import { batchChildId, fanOutBatches } from './batch-fan-out';
import { forEachLimited } from './for-each-limited';

const NON_RETRYABLE = ['InvalidDocument', 'InvalidBenchmarkConfig', 'InvalidBenchmarkFile'];
const CHILDREN_IN_FLIGHT = 4;
const PHASES: DecontaminateCarry['phase'][] = ['scan', 'common', 'removal'];

function activitiesFor(options: DecontaminateOptions) {
  // A shard is bounded, so an hour is generous; heartbeats every 1000 documents catch a dead worker.
  return proxyActivities<typeof activities>({
    taskQueue: options.taskQueue ?? workflowInfo().taskQueue,
    startToCloseTimeout: '1 hour',
    heartbeatTimeout: '5 minutes',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE },
  });
}

function emptyBatchOutput(): DecontaminateBatchOutput {
  return { documents: 0, stats: emptyStats(), hits: {}, skipped: 0 };
}

export async function decontaminate(rawInput: DecontaminateInput = {}, carried?: DecontaminateCarry): Promise<DecontaminateOutput> {
  const input = parseWorkflowInput('decontaminate', DecontaminateInput, rawInput);
  const { options, outputUri } = input;
  const run = activitiesFor(options);
  const taskQueue = options.taskQueue ?? workflowInfo().taskQueue;
  const shards = inputShards(input);
  const shardCount = shardCountOf(shards);

  let carry: DecontaminateCarry;
  if (carried) {
    carry = DecontaminateCarry.parse(carried);
  } else {
    const index = await run.buildBenchmarkIndex({ outputUri, options });
    log.info('Benchmark index ready', { benchmarks: index.benchmarks.map((set) => `${set.name}:${set.items}`).join(' '), templateNgrams: index.templateNgrams });
    carry = { phase: 'scan', nextBatch: 0, index, documents: 0, stats: emptyStats(), hits: {}, skipped: 0, continuedRuns: 0 };
  }
  const started = { count: 0, limit: options.maxChildrenPerRun };

  /** Runs the batches of a shard phase; false when the run reached its child limit first. */
  const fanOut = async (phase: DecontaminateBatchInput['phase']): Promise<boolean> => {
    const batches = Math.ceil(shardCount / options.batchSize);
    carry.nextBatch = await fanOutBatches({
      batches,
      nextBatch: carry.nextBatch,
      inFlight: CHILDREN_IN_FLIGHT,
      started,
      runBatch: async (batch) => {
        const first = batch * options.batchSize;
        const args: DecontaminateBatchInput = {
          phase,
          shardUris: shardUrisBetween(shards, first, options.batchSize),
          firstShardIndex: first,
          outputUri,
          indexUri: carry.index.indexUri,
          commonUri: carry.common?.commonUri,
          options,
        };
        const result = await executeChild(decontaminateBatch, {
          args: [args],
          taskQueue,
          workflowId: batchChildId(phase, batch),
        });
        carry.documents += result.documents;
        carry.skipped += result.skipped;
        addStats(carry.stats, result.stats);
        addHits(carry.hits, result.hits);
      },
    });
    return carry.nextBatch >= batches;
  };

  for (let phaseIndex = PHASES.indexOf(carry.phase); phaseIndex < PHASES.length; phaseIndex += 1) {
    const phase = PHASES[phaseIndex]!;
    carry.phase = phase;
    if (phase === 'common') {
      carry.common = await run.findCommonNgrams({ outputUri, shardCount, documents: carry.documents, options });
    } else if (!(await fanOut(phase))) {
      carry.continuedRuns += 1;
      log.info('Decontamination continuing as new to keep the history small', { phase, nextBatch: carry.nextBatch, continuedRuns: carry.continuedRuns });
      return continueAsNew<typeof decontaminate>(rawInput, carry);
    }
    carry.nextBatch = 0;
  }

  const manifestUri = await run.writeDecontaminationManifest({
    outputUri,
    configHash: carry.index.configHash,
    benchmarks: carry.index.benchmarks,
    stats: carry.stats,
    hits: carry.hits,
    shardCount,
  });
  log.info('Decontamination finished', { total: carry.stats.total, dropped: carry.stats.dropped, commonNgrams: carry.common?.commonNgrams, hits: JSON.stringify(carry.hits) });
  return {
    shards: shardFolder(outputUri, shardCount),
    rejected: shardFolder(joinUri(outputUri, 'rejected'), shardCount),
    reports: shardFolder(joinUri(outputUri, 'report'), shardCount),
    stats: carry.stats,
    hits: carry.hits,
    benchmarks: carry.index.benchmarks.map((set) => set.name),
    manifestUri,
    manifestHits: carry.skipped + (carry.index.skipped ? 1 : 0),
    continuedRuns: carry.continuedRuns,
  };
}

/** Child workflow: one batch of shards through the scan or removal phase. */
export async function decontaminateBatch(rawInput: DecontaminateBatchInput): Promise<DecontaminateBatchOutput> {
  const input = parseWorkflowInput('decontaminateBatch', DecontaminateBatchInput, rawInput);
  const run = activitiesFor(input.options);
  const output = emptyBatchOutput();

  await forEachLimited(input.shardUris.length, input.options.concurrency, async (item) => {
    const shard = { shardUri: input.shardUris[item]!, shardIndex: input.firstShardIndex + item, outputUri: input.outputUri, indexUri: input.indexUri, options: input.options };
    if (input.phase === 'scan') {
      const result = await run.scanShardForBenchmarkNgrams(shard);
      output.documents += result.documents;
      if (result.skipped) output.skipped += 1;
      return;
    }
    const result = await run.removeContaminatedDocuments({ ...shard, commonUri: input.commonUri! });
    addStats(output.stats, result.stats);
    addHits(output.hits, result.hits);
    if (result.skipped) output.skipped += 1;
  });
  return output;
}
