// Manifests are the completion markers of DESIGN rule 2: a stage's output exists if and only
// if its manifest exists, and a retry that finds a matching manifest skips its work.
import { z } from 'zod';
import { StageStats } from './stats';
import { DecontaminationRecord } from './dataset';

export const FileDigest = z.object({
  uri: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string(),
});
export type FileDigest = z.infer<typeof FileDigest>;

export const OutputFile = FileDigest.extend({ records: z.number().int().nonnegative() });
export type OutputFile = z.infer<typeof OutputFile>;

export const LlmUsage = z.object({
  requests: z.number().int().nonnegative().default(0),
  promptTokens: z.number().int().nonnegative().default(0),
  completionTokens: z.number().int().nonnegative().default(0),
  costUsd: z.number().nonnegative().default(0),
});
export type LlmUsage = z.infer<typeof LlmUsage>;

export const ShardManifest = z.object({
  kind: z.literal('shard'),
  stage: z.string(),
  shardIndex: z.number().int().nonnegative(),
  configHash: z.string(),
  codeVersion: z.string(),
  inputs: z.array(FileDigest),
  outputs: z.object({ documents: OutputFile, rejected: OutputFile }),
  stats: StageStats,
  llmUsage: LlmUsage.prefault({}),
  createdAt: z.string(),
});
export type ShardManifest = z.infer<typeof ShardManifest>;

export const RunManifest = z.object({
  kind: z.literal('run'),
  workflowId: z.string(),
  input: z.string(),
  output: z.string(),
  configHash: z.string(),
  codeVersion: z.string(),
  config: z.record(z.string(), z.unknown()),
  stages: z.array(
    z.object({
      stage: z.string(),
      shards: z.array(
        z.object({
          manifest: z.string(),
          exists: z.boolean().describe('False when the stage wrote no manifest for this shard'),
          documents: OutputFile.partial().optional(),
          rejected: OutputFile.partial().optional(),
        }),
      ),
      stats: StageStats,
      manifestHits: z.number().int().nonnegative(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
  finalShards: z.array(z.string()).describe('Document shards of the last stage: the run\'s dataset'),
  decontamination: DecontaminationRecord.optional().describe('Benchmark sets the dataset was checked against; absent when the decontaminate stage was off'),
  llmUsage: LlmUsage.prefault({}),
  createdAt: z.string(),
});
export type RunManifest = z.infer<typeof RunManifest>;
