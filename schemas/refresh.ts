// The nightly refresh: its workflow input, the activities' boundaries and the files it keeps in
// storage (dataset versions, their manifests, the input watermark and the `latest` pointer).
// Pure module, bundled into workflow code.
import { z } from 'zod';
import { FileDigest, OutputFile } from './manifest';
import { PipelineInput, PipelineProgress } from './pipeline';
import { StageStats } from './stats';
import { DecontaminationRecord } from './dataset';

export const NightlyRefreshInput = z
  .object({
    dataset: z.string().min(1).default('web').describe('Dataset name, recorded in every version manifest'),
    input: z.string().min(1).default('data/input').describe('Folder or s3:// prefix that receives new input files over time'),
    output: z
      .string()
      .min(1)
      .default('out/dataset')
      .describe('Folder or s3:// prefix of the published dataset: versions/v0001/…, latest.json'),
    exclude: z.array(z.string()).default([]).describe('Glob patterns, relative to the input folder, of files to leave out'),
    pipeline: PipelineInput.omit({ input: true, output: true, exclude: true })
      .partial()
      .default({})
      .describe('Pipeline options for the new inputs (shardSizeBytes, extract, …); input and output are set by the refresh'),
  })
  .strict();
export type NightlyRefreshInput = z.infer<typeof NightlyRefreshInput>;

/** One input file as the watermark remembers it, keyed by its path relative to the input root. */
export const WatermarkEntry = z.object({
  path: z.string(),
  bytes: z.number().int().nonnegative(),
  modifiedMs: z.number().optional(),
  sha256: z.string(),
});
export type WatermarkEntry = z.infer<typeof WatermarkEntry>;

export const LatestPointer = z.object({
  kind: z.literal('latest'),
  dataset: z.string(),
  version: z.number().int().positive(),
  manifestUri: z.string(),
  publishedAt: z.string(),
});
export type LatestPointer = z.infer<typeof LatestPointer>;

export const SelectNewInputsInput = z.object({
  input: z.string(),
  output: z.string(),
  exclude: z.array(z.string()).default([]),
});
export type SelectNewInputsInput = z.input<typeof SelectNewInputsInput>;

export const SelectNewInputsOutput = z.object({
  version: z.number().int().positive().describe('The version this refresh will publish: the latest published plus one'),
  previousVersion: z.number().int().nonnegative().describe('0 when nothing was published yet'),
  knownFiles: z.number().int().nonnegative().describe('Input files already in the previous watermark and unchanged'),
  newFiles: z.number().int().nonnegative(),
  newBytes: z.number().int().nonnegative(),
  stagedInput: z.string().describe('Folder holding copies of the new files under their relative paths: the pipeline input'),
  pipelineOutput: z.string(),
  selectionUri: z.string().describe('JSON Lines of the new files as WatermarkEntry records'),
});
export type SelectNewInputsOutput = z.infer<typeof SelectNewInputsOutput>;

export const DedupAgainstPublishedInput = z.object({
  output: z.string(),
  version: z.number().int().positive(),
  runManifestUri: z.string().describe('Run manifest of the pipeline over the new inputs; its last stage holds the documents'),
});
export type DedupAgainstPublishedInput = z.input<typeof DedupAgainstPublishedInput>;

export const DedupAgainstPublishedOutput = z.object({
  documents: z.array(OutputFile),
  rejected: z.array(OutputFile),
  exactHashes: OutputFile.describe('Normalised-text hashes of the documents this version keeps'),
  publishedHashes: z.number().int().nonnegative().describe('Hashes loaded from the versions published before'),
  stats: StageStats,
});
export type DedupAgainstPublishedOutput = z.infer<typeof DedupAgainstPublishedOutput>;

export const PublishVersionInput = z.object({
  dataset: z.string(),
  input: z.string(),
  output: z.string(),
  workflowId: z.string(),
  selection: SelectNewInputsOutput,
  pipeline: z.object({ workflowId: z.string(), manifestUri: z.string(), configHash: z.string() }),
  dedup: DedupAgainstPublishedOutput,
});
export type PublishVersionInput = z.input<typeof PublishVersionInput>;

export const VersionManifest = z.object({
  kind: z.literal('dataset-version'),
  dataset: z.string(),
  version: z.number().int().positive(),
  previousVersion: z.number().int().nonnegative(),
  workflowId: z.string(),
  input: z.string(),
  newInputs: z.object({ files: z.number().int().nonnegative(), bytes: z.number().int().nonnegative(), list: FileDigest }),
  watermark: OutputFile.describe('Every input file processed up to and including this version'),
  pipeline: z.object({ workflowId: z.string(), manifestUri: z.string(), configHash: z.string() }),
  outputs: z.object({ documents: z.array(OutputFile), rejected: z.array(OutputFile), exactHashes: OutputFile }),
  stats: StageStats.describe('Dedup against the published versions: kept, and dropped by reason'),
  decontamination: DecontaminationRecord.optional().describe('Copied from the pipeline run manifest; absent when its decontaminate stage was off'),
  codeVersion: z.string(),
  createdAt: z.string(),
});
export type VersionManifest = z.infer<typeof VersionManifest>;

export const PublishVersionOutput = z.object({ version: z.number().int().positive(), manifestUri: z.string(), latestUri: z.string() });
export type PublishVersionOutput = z.infer<typeof PublishVersionOutput>;

export const NightlyRefreshResult = z.object({
  dataset: z.string(),
  published: z.boolean(),
  version: z.number().int().nonnegative().describe('The version published by this run, or the latest one when nothing was new'),
  manifestUri: z.string().optional(),
  newFiles: z.number().int().nonnegative(),
  knownFiles: z.number().int().nonnegative(),
  documents: z.number().int().nonnegative().describe('Documents the new version adds'),
  duplicates: z.number().int().nonnegative().describe('New documents dropped because a published version already has their text'),
});
export type NightlyRefreshResult = z.infer<typeof NightlyRefreshResult>;

/**
 * The `progress` query of nightlyRefresh. It has the pipeline's progress fields, so `corpusflow
 * status` reads both alike; shard counts stay 0 because the pipeline child reports its own.
 */
export const RefreshProgress = PipelineProgress.extend({
  stage: z.enum(['select', 'pipeline', 'dedup', 'publish', 'done']),
  version: z.number().int().nonnegative(),
  newFiles: z.number().int().nonnegative(),
  pipelineWorkflowId: z.string().optional().describe('Query this child for shard progress while the stage is "pipeline"'),
});
export type RefreshProgress = z.infer<typeof RefreshProgress>;
