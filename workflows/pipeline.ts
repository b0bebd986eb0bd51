// The `pipeline` workflow, the main job: plan shards, then run every stage over them, then
// write the run manifest. Each stage fans out over child workflows in batches and the
// workflow continues as new after `maxChildrenPerRun` children, so its history stays small
// however many shards there are.
import {
  ApplicationFailure,
  continueAsNew,
  defineQuery,
  executeChild,
  log,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { configHashAttribute, datasetAttribute, stageAttribute } from '../schemas/search-attributes';
import type * as cpuActivities from '../activities/cpu';
import { PipelineInput } from '../schemas/pipeline';
import type { PipelineCarry, PipelineProgress, PipelineSummary } from '../schemas/pipeline';
import { addStats, emptyStats } from '../schemas/stats';
import { shardBatch } from './shard-batch';
import { STAGES, type ShardStageDefinition } from './stages';
import { joinUri } from '../schemas/layout';
import { shardFolder, shardUrisBetween } from '../schemas/shard-set';
import { parseWorkflowInput } from './validate';
import { addUsage, manifestUsage, type LlmUsage } from '../schemas/llm';
import { addNestedCounts, type NestedCounts } from '../schemas/counts';

export const progressQuery = defineQuery<PipelineProgress>('progress');

// Listing a large bucket can take a while; the plan is cheap to redo, so retry it freely.
const planning = proxyActivities<typeof cpuActivities>({
  startToCloseTimeout: '1 hour',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 5 },
});
const hashing = proxyLocalActivities<typeof cpuActivities>({ startToCloseTimeout: '30 seconds' });

export async function pipeline(rawInput: unknown = {}, carried?: PipelineCarry): Promise<PipelineSummary> {
  const input = parseWorkflowInput('pipeline', PipelineInput, rawInput);
  const { workflowId } = workflowInfo();

  const progress: PipelineProgress = { stage: 'plan', shardsDone: 0, shardsTotal: 0, kept: 0, dropped: 0, manifestHits: 0, finished: false };
  setHandler(progressQuery, () => progress);
  const announceStage = (stage: string) => {
    progress.stage = stage;
    if (input.searchAttributes) upsertSearchAttributes([{ key: stageAttribute, value: stage }]);
  };
  if (input.searchAttributes) upsertSearchAttributes([{ key: datasetAttribute, value: input.dataset }, { key: stageAttribute, value: 'plan' }]);

  const carry = carried ?? (await startRun(input));
  const { plan } = carry;
  progress.shardsTotal = plan.shardCount;
  if (input.searchAttributes) upsertSearchAttributes([{ key: configHashAttribute, value: carry.configHashes.extract ?? '' }]);

  const enabled = STAGES.filter((definition) => definition.enabled(input));
  for (let stageIndex = carry.stageIndex; stageIndex < enabled.length; stageIndex += 1) {
    const definition = enabled[stageIndex]!;
    const stats = (carry.stats[definition.stage] ??= emptyStats());
    carry.manifestHits[definition.stage] ??= 0;
    announceStage(definition.stage);
    const start = stageIndex === carry.stageIndex ? carry.nextShard : 0;
    progress.shardsDone = start;
    progress.kept = stats.kept;
    progress.dropped = stats.dropped;
    progress.manifestHits = carry.manifestHits[definition.stage]!;

    if (definition.kind === 'shard') {
      const reachedLimit = await runShardStage(definition, input, carry, start, progress);
      if (reachedLimit) {
        log.info('Continuing as new to keep the history small', { stage: definition.stage, nextShard: carry.nextShard });
        await continueAsNew<typeof pipeline>(rawInput, { ...carry, stageIndex, continuedRuns: carry.continuedRuns + 1 });
      }
      if (!definition.passThrough) {
        carry.shards = shardFolder(joinUri(plan.outputUri, definition.stage), plan.shardCount);
      }
    } else {
      const result = await definition.run({
        workflowId: `${workflowId}/${definition.stage}`,
        shards: carry.shards ?? shardFolder(joinUri(plan.outputUri, 'extract'), plan.shardCount),
        outputUri: joinUri(plan.outputUri, definition.stage),
        runOutputUri: plan.outputUri,
        input,
        earlierDetails: carry.details,
      });
      addStats(stats, result.stats);
      carry.manifestHits[definition.stage] = result.manifestHits;
      carry.details[definition.stage] = result.details;
      carry.shards = result.shards;
      progress.shardsDone = plan.shardCount;
    }
    log.info('Stage finished', { stage: definition.stage, kept: stats.kept, dropped: stats.dropped, manifestHits: carry.manifestHits[definition.stage] });
    carry.nextShard = 0;
  }

  announceStage('report');
  const stages = enabled.map((definition) => ({
    stage: definition.stage,
    kind: definition.kind,
    manifestFolder: definition.kind === 'shard' && definition.manifestFolder ? definition.manifestFolder(input) : definition.stage,
    shards: plan.shardCount,
    manifestHits: carry.manifestHits[definition.stage] ?? 0,
    stats: carry.stats[definition.stage] ?? emptyStats(),
    details: carry.details[definition.stage],
  }));
  const llmUsage = totalLlmUsage(carry.details);
  const report = await planning.writeRunManifest({
    workflowId,
    input: input.input,
    output: plan.outputUri,
    configHash: carry.configHashes.extract ?? '',
    config: input as unknown as Record<string, unknown>,
    stages,
    finalShards: carry.shards ?? shardFolder(joinUri(plan.outputUri, 'extract'), plan.shardCount),
    decontaminationManifestUri: carry.details.decontaminate?.manifestUri as string | undefined,
    llmUsage,
  });
  announceStage('done');
  progress.finished = true;

  return {
    workflowId,
    input: input.input,
    output: plan.outputUri,
    configHash: carry.configHashes.extract ?? '',
    manifestUri: report.manifestUri,
    shardCount: plan.shardCount,
    inputFiles: plan.fileCount,
    skippedFiles: plan.skippedFiles,
    stages: stages.map(({ manifestFolder: _folder, ...stage }) => stage),
    skippedStages: STAGES.filter((definition) => !definition.enabled(input)).map((definition) => definition.stage),
    documents: lastDocumentStage(enabled, stages),
    llmUsage,
  };
}

async function startRun(input: PipelineInput): Promise<PipelineCarry> {
  const plan = await planning.planShards({
    input: input.input,
    output: input.output,
    exclude: input.exclude,
    shardSizeBytes: input.shardSizeBytes,
    maxFilesPerShard: input.maxFilesPerShard,
  });
  const configHashes: Record<string, string> = {};
  for (const definition of STAGES) {
    if (definition.kind === 'shard' && definition.enabled(input)) {
      configHashes[definition.stage] = await hashing.hashStageConfig({ stage: definition.stage, options: definition.options(input) });
    }
  }
  for (const definition of STAGES) {
    if (definition.enabled(input)) continue;
    const reason = definition.kind === 'corpus' && definition.disabledReason ? definition.disabledReason : 'turned off in the input';
    log.info('Stage skipped', { stage: definition.stage, reason });
  }
  log.info('Input planned', { files: plan.fileCount, shards: plan.shardCount, bytes: plan.totalBytes, skippedFiles: plan.skippedFiles });
  return { plan, configHashes, stageIndex: 0, nextShard: 0, stats: {}, manifestHits: {}, details: {}, continuedRuns: 0 };
}

/**
 * Runs a shard stage's children from shard `start` on. Returns true when it stopped early
 * because this run started `maxChildrenPerRun` children, and then `carry.nextShard` records where to continue.
 */
async function runShardStage(
  definition: ShardStageDefinition,
  input: PipelineInput,
  carry: PipelineCarry,
  start: number,
  progress: PipelineProgress,
): Promise<boolean> {
  const { plan } = carry;
  const stats = carry.stats[definition.stage]!;
  const common = {
    planPrefix: plan.planPrefix,
    inputRoot: plan.inputUri,
    outputUri: plan.outputUri,
    configHash: carry.configHashes[definition.stage],
    options: definition.options(input),
  };

  let nextShard = start;
  let childrenStarted = 0;
  const lane = async () => {
    while (nextShard < plan.shardCount && childrenStarted < input.maxChildrenPerRun) {
      const firstShard = nextShard;
      const endShard = Math.min(plan.shardCount, firstShard + input.shardsPerChild);
      nextShard = endShard;
      childrenStarted += 1;
      const result = await executeChild(shardBatch, {
        workflowId: `${workflowInfo().workflowId}/${definition.stage}/shards-${String(firstShard).padStart(6, '0')}`,
        args: [
          {
            activity: definition.activity,
            firstShard,
            endShard,
            inputUris: carry.shards ? shardUrisBetween(carry.shards, firstShard, endShard - firstShard) : undefined,
            activityConcurrency: input.activityConcurrency,
            heartbeatTimeoutSeconds: input.heartbeatTimeoutSeconds,
            common,
          },
        ],
      });
      addStats(stats, result.stats);
      carry.details[definition.stage] = addNestedCounts((carry.details[definition.stage] ?? {}) as NestedCounts, result.counters);
      carry.manifestHits[definition.stage] = (carry.manifestHits[definition.stage] ?? 0) + result.manifestHits;
      progress.shardsDone += result.shards;
      progress.kept = stats.kept;
      progress.dropped = stats.dropped;
      progress.manifestHits = carry.manifestHits[definition.stage]!;
    }
  };
  await Promise.all(Array.from({ length: input.maxConcurrentChildren }, lane));

  carry.nextShard = nextShard;
  if (nextShard > plan.shardCount) throw ApplicationFailure.nonRetryable(`Shard cursor ${nextShard} passed the shard count ${plan.shardCount}`, 'InternalError');
  return nextShard < plan.shardCount;
}

/** Documents in the dataset: the kept count of the last stage that writes documents. */
function lastDocumentStage(enabled: typeof STAGES, stages: Array<{ stage: string; stats: { kept: number } }>): number {
  for (let index = enabled.length - 1; index >= 0; index -= 1) {
    const definition = enabled[index]!;
    const writesDocuments = definition.kind === 'shard' ? !definition.passThrough : !definition.sideOutput;
    if (writesDocuments) return stages[index]!.stats.kept;
  }
  return 0;
}

/** Model usage of every stage that called a model, in the manifest's units. */
function totalLlmUsage(details: Record<string, Record<string, unknown>>) {
  const total = { calls: 0, cachedCalls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 };
  for (const stageDetails of Object.values(details)) {
    const usage = stageDetails.llmUsage as LlmUsage | undefined;
    if (usage && typeof usage.calls === 'number') addUsage(total, usage);
  }
  return manifestUsage(total);
}
