// Boundaries of the exact-dedup stage: documents whose normalised text (NFKC, case folded,
// punctuation and whitespace collapsed) is identical keep only their first copy in corpus
// order. Pure module: the workflow bundle imports it.
import { z } from 'zod';
import { FileDigest } from './manifest';
import { StageStats } from './stats';
import { MaxChildrenPerRun, ShardFolder, ShardSet } from './shard-set';

export const ExactDedupOptions = z.strictObject({
  batchSize: z.number().int().min(1).max(1000).default(100).describe('Shards per child workflow'),
  concurrency: z.number().int().min(1).max(256).default(8).describe('Activities in flight per child workflow'),
  maxChildrenPerRun: MaxChildrenPerRun,
  taskQueue: z.string().optional().describe("Queue of the activities and child workflows; the workflow's own queue when unset"),
});
export type ExactDedupOptions = z.infer<typeof ExactDedupOptions>;

export const ExactDedupInput = z.strictObject({
  shards: ShardSet.optional().describe('The document shards in corpus order: a folder and a count, or a list; takes precedence over shardUris'),
  shardUris: z.array(z.string()).default([]).describe('gzip JSON Lines document shards, in corpus order, when shards is unset'),
  outputUri: z.string().default('.corpusflow/exact-dedup').describe('Folder for this stage'),
  options: ExactDedupOptions.prefault({}),
});
export type ExactDedupInput = z.input<typeof ExactDedupInput>;

export const ExactDedupOutput = z.object({
  shards: ShardFolder.describe('Deduplicated shards, one per input shard, same order'),
  rejected: ShardFolder,
  stats: StageStats,
  duplicates: z.number().int().nonnegative(),
  manifestHits: z.number().int().nonnegative().describe('Activities that found a matching manifest and skipped their work'),
  continuedRuns: z.number().int().nonnegative().describe('Times the workflow continued as new'),
});
export type ExactDedupOutput = z.infer<typeof ExactDedupOutput>;

const ShardLocation = z.object({
  outputUri: z.string().describe('Folder of this stage'),
  shardUri: z.string(),
  shardIndex: z.number().int().nonnegative(),
});

/** Phase 1: hash every document's normalised text into a small per-shard hash file. */
export const HashShardInput = ShardLocation;
export type HashShardInput = z.input<typeof HashShardInput>;

export const HashShardOutput = z.object({
  shardIndex: z.number().int().nonnegative(),
  hashesUri: z.string(),
  documents: z.number().int().nonnegative(),
  skipped: z.boolean().describe('True when a matching manifest was found and nothing was recomputed'),
});
export type HashShardOutput = z.infer<typeof HashShardOutput>;

/** Phase 2: one pass over every hash file in shard order writes each shard's drop list. */
export const FindExactDuplicatesInput = z.object({
  outputUri: z.string(),
  shardCount: z.number().int().nonnegative(),
});
export type FindExactDuplicatesInput = z.input<typeof FindExactDuplicatesInput>;

export const FindExactDuplicatesOutput = z.object({
  documents: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  skipped: z.boolean(),
});
export type FindExactDuplicatesOutput = z.infer<typeof FindExactDuplicatesOutput>;

/** Phase 3: rewrite one shard without the documents on its drop list. */
export const RemoveExactDuplicatesInput = ShardLocation;
export type RemoveExactDuplicatesInput = z.input<typeof RemoveExactDuplicatesInput>;

export const RemoveExactDuplicatesOutput = z.object({
  shardIndex: z.number().int().nonnegative(),
  shardUri: z.string(),
  rejectedUri: z.string(),
  stats: StageStats,
  skipped: z.boolean(),
});
export type RemoveExactDuplicatesOutput = z.infer<typeof RemoveExactDuplicatesOutput>;

// ---- Files on disk ----

/** One line of a hash file, in shard order: line n is the shard's record n. */
export const DocumentHash = z.object({
  id: z.string(),
  hash: z.string().describe('sha256 of the normalised text, first 32 hex digits; "" when the normalised text is empty'),
});
export type DocumentHash = z.infer<typeof DocumentHash>;

/** A document to remove, with the copy that stays in its place. */
export const ExactDuplicate = z.object({
  recordIndex: z.number().int().nonnegative(),
  id: z.string(),
  hash: z.string(),
  keptId: z.string(),
  keptShardIndex: z.number().int().nonnegative(),
});
export type ExactDuplicate = z.infer<typeof ExactDuplicate>;

export const DropList = z.object({
  shardIndex: z.number().int().nonnegative(),
  duplicates: z.array(ExactDuplicate),
});
export type DropList = z.infer<typeof DropList>;

/** Completion marker of phases 1 and 2, which write work files rather than document shards. */
export const WorkManifest = z.object({
  kind: z.literal('exact-dedup-work'),
  phase: z.enum(['hashes', 'duplicates']),
  codeVersion: z.string(),
  configHash: z.string(),
  inputs: z.array(FileDigest),
  outputs: z.array(FileDigest),
  counts: z.record(z.string(), z.number().int().nonnegative()),
  createdAt: z.string(),
});
export type WorkManifest = z.infer<typeof WorkManifest>;

/** Input of the child workflow that runs one phase over a contiguous range of shards. */
export const ExactDedupBatchInput = z.object({
  phase: z.enum(['hashes', 'removal']),
  outputUri: z.string(),
  shardUris: z.array(z.string()),
  firstShardIndex: z.number().int().nonnegative(),
  options: ExactDedupOptions,
});
export type ExactDedupBatchInput = z.input<typeof ExactDedupBatchInput>;

export const ExactDedupBatchOutput = z.object({
  stats: StageStats,
  documents: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative().describe('Activities that found a matching manifest'),
});
export type ExactDedupBatchOutput = z.infer<typeof ExactDedupBatchOutput>;

/** Resume state of a continued-as-new `exactDedup`: the phase, its next batch and the totals so far. */
export const ExactDedupCarry = z.object({
  phase: z.enum(['hashes', 'duplicates', 'removal']),
  nextBatch: z.number().int().nonnegative(),
  found: FindExactDuplicatesOutput.optional(),
  stats: StageStats,
  skipped: z.number().int().nonnegative(),
  continuedRuns: z.number().int().nonnegative(),
});
export type ExactDedupCarry = z.infer<typeof ExactDedupCarry>;
