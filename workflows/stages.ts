// The stages of the `pipeline` workflow, in order. A stage either maps every shard through
// one activity (`shard`: run in batched child workflows) or works across the whole corpus
// (`corpus`: one child workflow that takes every shard, such as deduplication). Every stage
// keeps the shard count, and writes shard i to `<output>/<stage>/shard-0000i.jsonl.gz`.
import { executeChild, log, proxyActivities } from '@temporalio/workflow';
import type * as cpuActivities from '../activities/cpu';
import type { PipelineInput } from '../schemas/pipeline';
import type { StageStats } from '../schemas/stats';
import type { ShardActivityName } from './shard-batch';
import { joinUri } from '../schemas/layout';
import { allShardUris, shardCountOf, shardFolder, type ShardSet } from '../schemas/shard-set';
import { exactDedup } from './exact-dedup';
import { nearDedup } from './near-dedup';
import { decontaminate } from './decontaminate';
import { qualityClassifier } from './quality-classifier';
import { fimExercises } from './fim';
import { instructionReversal } from './instruction-reversal';

export interface ShardStageDefinition {
  kind: 'shard';
  stage: string;
  activity: ShardActivityName;
  /** True for stages that write no documents (tokenization): the next stage reads the same shards. */
  passThrough?: boolean;
  /** Folder of the stage's shard manifests below the output, when it is not the stage name. */
  manifestFolder?: (input: PipelineInput) => string;
  enabled: (input: PipelineInput) => boolean;
  options: (input: PipelineInput) => unknown;
}

export interface CorpusStageResult {
  /** The documents the next stage reads: the stage's own output, or its input for side outputs. */
  shards: ShardSet;
  stats: StageStats;
  manifestHits: number;
  details: Record<string, unknown>;
}

export interface CorpusStageDefinition {
  kind: 'corpus';
  stage: string;
  /** True for stages whose output is not the document dataset (mixture, code exercises). */
  sideOutput?: boolean;
  /** Reason the stage is off, logged once per run when `enabled` is false. */
  disabledReason?: string;
  enabled: (input: PipelineInput) => boolean;
  options: (input: PipelineInput) => unknown;
  run: (args: {
    workflowId: string;
    shards: ShardSet;
    outputUri: string;
    runOutputUri: string;
    input: PipelineInput;
    /** Details of the stages before this one, such as the tokens the tokenize stage wrote. */
    earlierDetails: Record<string, Record<string, unknown>>;
  }) => Promise<CorpusStageResult>;
}

export type StageDefinition = ShardStageDefinition | CorpusStageDefinition;

// The mixture reads one small manifest per shard; minutes are plenty, and it is safe to retry.
const mixture = proxyActivities<typeof cpuActivities>({
  startToCloseTimeout: '30 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 5 },
});

/** Returns the decontamination settings of synthetic datasets: the documents' own, unless the stage's options set `decontaminate`. */
function syntheticDecontamination(input: PipelineInput) {
  return { enabled: input.decontaminate.enabled, options: input.decontaminate.options };
}

export const STAGES: StageDefinition[] = [
  { kind: 'shard', stage: 'extract', activity: 'extractShard', enabled: () => true, options: (input) => input.extract },
  { kind: 'shard', stage: 'filter', activity: 'filterShard', enabled: (input) => input.filter.enabled, options: (input) => input.filter.rules },
  {
    kind: 'corpus',
    stage: 'exact-dedup',
    enabled: (input) => input.exactDedup.enabled,
    options: (input) => input.exactDedup.options,
    run: async ({ workflowId, shards, outputUri, input }) => {
      const result = await executeChild(exactDedup, { workflowId, args: [{ shards, outputUri, options: input.exactDedup.options }] });
      return { shards: result.shards, stats: result.stats, manifestHits: result.manifestHits, details: { duplicates: result.duplicates } };
    },
  },
  {
    kind: 'corpus',
    stage: 'near-dedup',
    enabled: (input) => input.nearDedup.enabled,
    options: (input) => input.nearDedup.options,
    run: async ({ workflowId, shards, outputUri, input }) => {
      const result = await executeChild(nearDedup, { workflowId, args: [{ shards, outputUri, options: input.nearDedup.options }] });
      return {
        shards: result.shards,
        stats: result.stats,
        manifestHits: result.manifestHits,
        details: { clusters: result.clusters, duplicates: result.duplicates, candidatePairs: result.candidatePairs, clustersUri: result.clustersUri },
      };
    },
  },
  {
    kind: 'corpus',
    stage: 'decontaminate',
    enabled: (input) => input.decontaminate.enabled,
    options: (input) => input.decontaminate.options,
    run: async ({ workflowId, shards, outputUri, input }) => {
      const result = await executeChild(decontaminate, { workflowId, args: [{ shards, outputUri, options: input.decontaminate.options }] });
      return {
        shards: result.shards,
        stats: result.stats,
        manifestHits: result.manifestHits,
        details: { hits: result.hits, benchmarks: result.benchmarks, manifestUri: result.manifestUri },
      };
    },
  },
  {
    kind: 'corpus',
    stage: 'quality-classifier',
    enabled: (input) => input.classifier.enabled,
    disabledReason: 'not configured: set classifier.enabled and either an annotator role in classifier.options.llm or positiveUris and negativeUris',
    options: (input) => input.classifier.options,
    run: async ({ workflowId, shards, outputUri, input }) => {
      // NOTE: the classifier takes its shards as a list, so past a few thousand shards its input nears the payload size limit.
      const documentUris = allShardUris(shards);
      const result = await executeChild(qualityClassifier, { workflowId, args: [{ ...input.classifier.options, documentUris, workUri: outputUri }] });
      if (result.skippedReason || result.shards.length !== documentUris.length) {
        log.warn('Quality classifier trained no model; documents pass unchanged', { reason: result.skippedReason });
        return { shards, stats: result.stats, manifestHits: 0, details: { skipped: result.skippedReason ?? 'no scored shards' } };
      }
      return {
        // scoreQualityShard writes shard i to <work>/scored/shard-0000i.jsonl.gz.
        shards: shardFolder(joinUri(outputUri, 'scored'), documentUris.length),
        stats: result.stats,
        manifestHits: 0,
        details: { modelsManifestUri: result.modelsManifestUri, models: result.models, llmUsage: result.llmUsage },
      };
    },
  },
  {
    kind: 'shard',
    stage: 'tokenize',
    activity: 'tokenizeStageShard',
    passThrough: true,
    manifestFolder: (input) => `tokenize/${input.dataset}`,
    enabled: (input) => input.tokenize.enabled,
    options: (input) => ({ dataset: input.dataset, exports: input.tokenize.exports }),
  },
  {
    kind: 'corpus',
    stage: 'mixture',
    sideOutput: true,
    enabled: (input) => input.tokenize.enabled,
    options: (input) => ({ targetTokens: input.tokenize.targetTokens, maxEpochs: input.tokenize.maxEpochs }),
    run: async ({ shards, runOutputUri, input, earlierDetails }) => {
      // The mixture reads manifests, not documents, so it counts no records.
      const stats = { total: 0, kept: 0, dropped: 0, droppedByReason: {}, skippedByReason: {} };
      if (Number(earlierDetails.tokenize?.tokens ?? 0) === 0) {
        log.warn('Mixture not written: the run produced no tokens', { stage: 'mixture' });
        return { shards, stats, manifestHits: 0, details: { skipped: 'the run produced no tokens' } };
      }
      const result = await mixture.computeRunMixture({
        outputUri: runOutputUri,
        dataset: input.dataset,
        shardCount: shardCountOf(shards),
        targetTokens: input.tokenize.targetTokens,
        maxEpochs: input.tokenize.maxEpochs,
      });
      return { shards, stats, manifestHits: 0, details: { manifestUri: result.manifestUri, dataPathUri: result.dataPathUri, sources: result.sources, warnings: result.warnings } };
    },
  },
  {
    kind: 'corpus',
    stage: 'fim',
    sideOutput: true,
    enabled: (input) => input.fim.enabled,
    disabledReason: 'not configured: set fim.enabled and fim.options (inputUri, format, llm with a generator role)',
    options: (input) => input.fim.options,
    run: async ({ workflowId, shards, outputUri, input }) => {
      const result = await executeChild(fimExercises, { workflowId, args: [{ decontaminate: syntheticDecontamination(input), ...input.fim.options, outputUri }] });
      return {
        shards,
        stats: result.stats,
        manifestHits: 0,
        details: { exercisesUri: result.exercisesUri, manifestUri: result.manifestUri, grades: result.grades, outcomes: result.outcomes, llmUsage: result.llmUsage, published: result.published },
      };
    },
  },
  {
    kind: 'corpus',
    stage: 'instruction-reversal',
    sideOutput: true,
    enabled: (input) => input.instructionReversal.enabled,
    disabledReason: 'not configured: set instructionReversal.enabled and instructionReversal.options (inputUri, format, llm with a generator role)',
    options: (input) => input.instructionReversal.options,
    run: async ({ workflowId, shards, outputUri, input }) => {
      const result = await executeChild(instructionReversal, { workflowId, args: [{ decontaminate: syntheticDecontamination(input), ...input.instructionReversal.options, outputUri }] });
      return { shards, stats: result.stats, manifestHits: 0, details: { ...result, stats: undefined } };
    },
  },
];
