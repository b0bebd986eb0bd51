// The `pipeline` workflow's input: one JSON object whose defaults make `{}` a valid start
// from the Temporal UI. Pure module, bundled into workflow code.
import { z } from 'zod';
import { StageStats } from './stats';
import { PlanShardsOutput } from './plan';
import { ExactDedupOptions } from './exact-dedup';
import { NearDedupOptions } from './near-dedup';
import { DecontaminateOptions } from './decontaminate';
import { ShardSet } from './shard-set';
import { QualityFilterConfig } from '../activities/filter/config';

export const ExtractOptions = z
  .strictObject({
    source: z.string().default('web').describe('Value of each document\'s "source" field'),
    maxRecordBytes: z
      .number()
      .int()
      .positive()
      .default(16 * 1024 * 1024)
      .describe('Pages or JSONL lines larger than this many bytes are rejected as document_too_large'),
    minTextChars: z
      .number()
      .int()
      .nonnegative()
      .default(1)
      .describe('Documents with fewer extracted characters are rejected as empty_extraction'),
    textField: z.string().default('text').describe('JSONL field that holds the text'),
    idField: z.string().default('id').describe('JSONL field kept as metadata.sourceId when present'),
    pageTimeoutSeconds: z
      .number()
      .positive()
      .default(60)
      .describe('One page whose extraction takes longer is rejected as extraction_failed'),
  })
  .prefault({});
export type ExtractOptions = z.infer<typeof ExtractOptions>;

export const PipelineInput = z
  .object({
    input: z
      .string()
      .min(1)
      .default('data/input')
      .describe('Folder, file, glob (such as "crawl/*.warc.gz") or s3:// prefix to read'),
    output: z.string().min(1).default('out').describe('Folder or s3:// prefix that receives every stage\'s output'),
    exclude: z
      .array(z.string())
      .default([])
      .describe('Glob patterns, relative to the input folder, of files to leave out (such as "**/*.gold.html")'),
    shardSizeBytes: z
      .number()
      .int()
      .positive()
      .default(64 * 1024 * 1024)
      .describe('Input bytes grouped into one shard; one file larger than this is a shard of its own'),
    maxFilesPerShard: z.number().int().positive().default(10_000),
    shardsPerChild: z
      .number()
      .int()
      .positive()
      .default(16)
      .describe('Shards handled by one child workflow'),
    maxConcurrentChildren: z.number().int().positive().default(8),
    activityConcurrency: z
      .number()
      .int()
      .positive()
      .default(4)
      .describe('Shard activities one child workflow runs at once'),
    maxChildrenPerRun: z
      .number()
      .int()
      .positive()
      .default(200)
      .describe('Child workflows started before the pipeline continues as new, which keeps its history small'),
    heartbeatTimeoutSeconds: z
      .number()
      .positive()
      .default(60)
      .describe('A shard activity that sends no heartbeat for this long is retried on another worker'),
    dataset: z.string().default('web').describe('Dataset name shown in the CorpusflowDataset search attribute'),
    searchAttributes: z
      .boolean()
      .default(true)
      .describe('Set the CorpusflowStage/Dataset/ConfigHash search attributes; the server must have them registered'),
    extract: ExtractOptions,
    filter: z
      .strictObject({ enabled: z.boolean().default(true), rules: QualityFilterConfig.prefault({}) })
      .prefault({})
      .describe('Language ID and the Gopher, C4, FineWeb and corruption rules; every threshold is in rules'),
    exactDedup: z
      .strictObject({ enabled: z.boolean().default(true), options: ExactDedupOptions.prefault({}) })
      .prefault({})
      .describe('Removes documents whose normalised text repeats an earlier one'),
    nearDedup: z
      .strictObject({ enabled: z.boolean().default(true), options: NearDedupOptions.prefault({}) })
      .prefault({})
      .describe('MinHash LSH near-duplicate removal'),
    decontaminate: z
      .strictObject({ enabled: z.boolean().default(true), options: DecontaminateOptions.prefault({}) })
      .prefault({})
      .describe('Removes documents that share a 13-gram (7-gram for short items) with a benchmark'),
    classifier: z
      .strictObject({
        enabled: z.boolean().default(false),
        options: z
          .record(z.string(), z.unknown())
          .default({})
          .describe('qualityClassifier input without documentUris and workUri: llm (annotator role), positiveUris/negativeUris, thresholds, sampleSize'),
      })
      .prefault({})
      .describe('Learned quality classifiers (fastText) trained on annotations or reference files, then filtering by topic thresholds'),
    fim: z
      .strictObject({
        enabled: z.boolean().default(false),
        options: z.record(z.string(), z.unknown()).default({}).describe('fimExercises input without outputUri: inputUri, format, settings, llm'),
      })
      .prefault({})
      .describe('Fill-in-the-middle exercises from code with tests, validated in the sandbox'),
    instructionReversal: z
      .strictObject({
        enabled: z.boolean().default(false),
        options: z.record(z.string(), z.unknown()).default({}).describe('instructionReversal input without outputUri: inputUri, format, settings, llm'),
      })
      .prefault({})
      .describe('Instruction and code pairs whose regenerated code passes the original tests'),
    tokenize: z
      .strictObject({
        enabled: z.boolean().default(true),
        exports: z
          .strictObject({
            jsonl: z.boolean().default(false).describe('Also write the final documents as gzip JSON Lines text under export/'),
            parquet: z.boolean().default(true).describe('Also write the final documents as Parquet under export/'),
          })
          .prefault({}),
        targetTokens: z.number().positive().default(10e12).describe('Training tokens the mixture must supply'),
        maxEpochs: z.number().positive().default(4).describe('Epochs past which the mixture warns'),
      })
      .prefault({})
      .describe('cl100k token shards (Megatron .bin/.idx), text exports and the mixture manifest'),
  })
  .strict();
export type PipelineInput = z.infer<typeof PipelineInput>;

/** State a continued-as-new pipeline resumes from: the plan, the stage in progress and its totals so far. */
export const PipelineCarry = z.object({
  plan: PlanShardsOutput,
  configHashes: z.record(z.string(), z.string()),
  stageIndex: z.number().int().nonnegative(),
  nextShard: z.number().int().nonnegative(),
  stats: z.record(z.string(), StageStats),
  manifestHits: z.record(z.string(), z.number().int().nonnegative()),
  details: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  /** Document shards the next stage reads, one per shard index; unset before extraction. */
  shards: ShardSet.optional(),
  continuedRuns: z.number().int().nonnegative(),
});
export type PipelineCarry = z.infer<typeof PipelineCarry>;

export const StageSummary = z.object({
  stage: z.string(),
  kind: z.enum(['shard', 'corpus']).default('shard').describe('shard: one activity per shard; corpus: one workflow over every shard'),
  shards: z.number().int().nonnegative(),
  manifestHits: z
    .number()
    .int()
    .nonnegative()
    .describe('Shards (shard stages) or activity steps (corpus stages) whose manifest already matched, so no work was done'),
  stats: StageStats,
  details: z.record(z.string(), z.unknown()).optional().describe('Stage-specific results, such as decontamination hits per benchmark'),
});
export type StageSummary = z.infer<typeof StageSummary>;

export const PipelineSummary = z.object({
  workflowId: z.string(),
  input: z.string(),
  output: z.string(),
  configHash: z.string(),
  manifestUri: z.string(),
  shardCount: z.number().int().nonnegative(),
  inputFiles: z.number().int().nonnegative(),
  skippedFiles: z.record(z.string(), z.number().int().nonnegative()),
  stages: z.array(StageSummary),
  skippedStages: z.array(z.string()).default([]).describe('Stages turned off in the input'),
  documents: z.number().int().nonnegative().describe('Documents in the final stage\'s output'),
  llmUsage: z
    .object({ requests: z.number(), promptTokens: z.number(), completionTokens: z.number(), costUsd: z.number() })
    .default({ requests: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 })
    .describe('Model calls paid for by this run, summed over its stages'),
});
export type PipelineSummary = z.infer<typeof PipelineSummary>;

export const PipelineProgress = z.object({
  stage: z.string(),
  shardsDone: z.number().int().nonnegative(),
  shardsTotal: z.number().int().nonnegative(),
  kept: z.number().int().nonnegative(),
  dropped: z.number().int().nonnegative(),
  manifestHits: z.number().int().nonnegative(),
  finished: z.boolean(),
});
export type PipelineProgress = z.infer<typeof PipelineProgress>;
