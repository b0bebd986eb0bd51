// The `decontaminate` workflow: remove documents that contain benchmark test text.
// Phases: benchmark n-gram index -> scan per shard -> common n-grams across the run -> removal
// per shard -> stage manifest. Shard phases run in child workflows of `batchSize` shards.
import { executeChild, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type * as activities from '../activities/decontaminate';
import { DecontaminateBatchInput, DecontaminateInput, addHits } from '../schemas/decontaminate';
import type { DecontaminateBatchOutput, DecontaminateOptions, DecontaminateOutput } from '../schemas/decontaminate';
import { addStats, emptyStats } from '../schemas/stats';
import { parseWorkflowInput } from './validate';
import { forEachLimited } from './for-each-limited';

const NON_RETRYABLE = ['InvalidDocument', 'InvalidBenchmarkConfig', 'InvalidBenchmarkFile'];
const CHILDREN_IN_FLIGHT = 4;

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
  return { documents: 0, shardUris: [], rejectedUris: [], reportUris: [], stats: emptyStats(), hits: {}, skipped: 0 };
}

export async function decontaminate(rawInput: DecontaminateInput = {}): Promise<DecontaminateOutput> {
  const input = parseWorkflowInput('decontaminate', DecontaminateInput, rawInput);
  const { options, outputUri, shardUris } = input;
  const run = activitiesFor(options);
  const taskQueue = options.taskQueue ?? workflowInfo().taskQueue;

  const index = await run.buildBenchmarkIndex({ outputUri, options });
  log.info('Benchmark index ready', { benchmarks: index.benchmarks.map((set) => `${set.name}:${set.items}`).join(' '), templateNgrams: index.templateNgrams });

  const runBatches = async (phase: DecontaminateBatchInput['phase'], commonUri?: string) => {
    const batches = Math.ceil(shardUris.length / options.batchSize);
    const results: DecontaminateBatchOutput[] = new Array(batches);
    await forEachLimited(batches, CHILDREN_IN_FLIGHT, async (batch) => {
      const first = batch * options.batchSize;
      const args: DecontaminateBatchInput = {
        phase,
        shardUris: shardUris.slice(first, first + options.batchSize),
        firstShardIndex: first,
        outputUri,
        indexUri: index.indexUri,
        commonUri,
        options,
      };
      results[batch] = await executeChild(decontaminateBatch, {
        args: [args],
        taskQueue,
        workflowId: `${workflowInfo().workflowId}-${phase}-${String(batch).padStart(5, '0')}`,
      });
    });
    return results;
  };

  const scanned = await runBatches('scan');
  const documents = scanned.reduce((sum, batch) => sum + batch.documents, 0);
  const common = await run.findCommonNgrams({ outputUri, shardCount: shardUris.length, documents, options });
  const removed = await runBatches('removal', common.commonUri);

  const total = emptyBatchOutput();
  for (const batch of removed) {
    total.shardUris.push(...batch.shardUris);
    total.rejectedUris.push(...batch.rejectedUris);
    total.reportUris.push(...batch.reportUris);
    addStats(total.stats, batch.stats);
    addHits(total.hits, batch.hits);
  }
  const manifestUri = await run.writeDecontaminationManifest({
    outputUri,
    configHash: index.configHash,
    benchmarks: index.benchmarks,
    stats: total.stats,
    hits: total.hits,
    shardCount: shardUris.length,
  });

  log.info('Decontamination finished', { total: total.stats.total, dropped: total.stats.dropped, commonNgrams: common.commonNgrams, hits: JSON.stringify(total.hits) });
  return {
    shardUris: total.shardUris,
    rejectedUris: total.rejectedUris,
    reportUris: total.reportUris,
    stats: total.stats,
    hits: total.hits,
    benchmarks: index.benchmarks.map((set) => set.name),
    manifestUri,
    manifestHits: [...scanned, ...removed].reduce((sum, batch) => sum + batch.skipped, 0) + (index.skipped ? 1 : 0),
  };
}

/** Child workflow: one batch of shards through the scan or removal phase. */
export async function decontaminateBatch(rawInput: DecontaminateBatchInput): Promise<DecontaminateBatchOutput> {
  const input = parseWorkflowInput('decontaminateBatch', DecontaminateBatchInput, rawInput);
  const run = activitiesFor(input.options);
  const output = emptyBatchOutput();
  const outputs: { shardUri: string; rejectedUri: string; reportUri: string }[] = new Array(input.shardUris.length);

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
    outputs[item] = result;
    if (result.skipped) output.skipped += 1;
  });

  if (input.phase === 'removal') {
    output.shardUris = outputs.map((shard) => shard.shardUri);
    output.rejectedUris = outputs.map((shard) => shard.rejectedUri);
    output.reportUris = outputs.map((shard) => shard.reportUri);
  }
  return output;
}
