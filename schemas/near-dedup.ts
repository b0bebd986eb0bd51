// Boundaries of the near-duplicate stage (MinHash LSH). Pure module: the workflow bundle imports it.
import { z } from 'zod';
import { StageStats } from './stats';
import { MaxChildrenPerRun, ShardFolder, ShardSet } from './shard-set';

export const ShingleOptions = z.strictObject({
  kind: z.enum(['word', 'char']).default('word').describe('"char" for scripts without spaces, such as Chinese, Japanese and Thai'),
  size: z.number().int().min(1).max(64).default(5).describe('Words (or characters) per shingle'),
});

export const NearDedupOptions = z.strictObject({
  shingle: ShingleOptions.prefault({}),
  bands: z.number().int().min(1).max(64).default(14),
  rows: z.number().int().min(1).max(64).default(8).describe('MinHash values per band'),
  seed: z.number().int().nonnegative().default(1).describe('Seed of the MinHash permutations; an index only matches runs with the same seed'),
  partitions: z
    .number()
    .int()
    .min(1)
    .max(4096)
    .default(8)
    .describe('Hash ranges per band in the bucket shuffle; one bucket activity holds about 1/(bands*partitions) of all band entries'),
  similarityThreshold: z
    .number()
    .min(0)
    .max(1)
    .default(0.5)
    .describe('Estimated Jaccard similarity a removed document must have with the document kept in its place'),
  qualityScoreField: z.string().default('qualityScore').describe('Document metadata key of the quality score used to pick the kept document'),
  batchSize: z.number().int().min(1).max(1000).default(100).describe('Shards per child workflow'),
  concurrency: z.number().int().min(1).max(256).default(8).describe('Activities in flight per workflow'),
  maxChildrenPerRun: MaxChildrenPerRun,
  taskQueue: z.string().optional().describe('Queue of the activities and child workflows; the workflow\'s own queue (cpu) when unset'),
  indexUri: z.string().optional().describe('Folder of the persistent index of published documents; read before and extended after the run'),
  publishIndex: z.boolean().default(true).describe('Add this run\'s kept documents to the index at indexUri'),
});
export type NearDedupOptions = z.infer<typeof NearDedupOptions>;

/** Selects the options that decide which documents are removed, for the manifests' config hash. */
export function nearDedupConfig(options: NearDedupOptions) {
  const { shingle, bands, rows, seed, partitions, similarityThreshold, qualityScoreField } = options;
  return { shingle, bands, rows, seed, partitions, similarityThreshold, qualityScoreField };
}

/** Selects the options that decide signature and bucket bytes. An index only serves runs that agree on them. */
export function nearDedupIndexConfig(options: NearDedupOptions) {
  const { shingle, bands, rows, seed, partitions } = options;
  return { shingle, bands, rows, seed, partitions };
}

export const NearDedupInput = z.strictObject({
  shards: ShardSet.optional().describe('The document shards: a folder and a count, or a list; takes precedence over shardUris'),
  shardUris: z.array(z.string()).default([]).describe('gzip JSON Lines document shards, when shards is unset'),
  outputUri: z.string().default('.corpusflow/near-dedup').describe('Folder for this stage'),
  options: NearDedupOptions.prefault({}),
});
export type NearDedupInput = z.input<typeof NearDedupInput>;

export const NearDedupOutput = z.object({
  shards: ShardFolder.describe('Kept documents, shard i of the input at shard i'),
  rejected: ShardFolder.describe('Removed documents as rejected records, one shard per input shard'),
  stats: StageStats,
  clusters: z.number().int().nonnegative().describe('Clusters with at least one removed document'),
  duplicates: z.number().int().nonnegative(),
  candidatePairs: z.number().int().nonnegative(),
  clustersUri: z.string().describe('JSON Lines list of clusters: id, kept document and removed documents'),
  indexSegments: z.number().int().nonnegative().describe('Index segments this run deduplicated against'),
  manifestHits: z.number().int().nonnegative().describe('Activities that found a matching manifest and skipped their work'),
  continuedRuns: z.number().int().nonnegative().describe('Times the workflow continued as new'),
});
export type NearDedupOutput = z.infer<typeof NearDedupOutput>;

const StageLocation = z.object({
  outputUri: z.string(),
  options: NearDedupOptions,
});

export const ComputeShardSignaturesInput = StageLocation.extend({
  shardUri: z.string(),
  shardIndex: z.number().int().nonnegative(),
});
export type ComputeShardSignaturesInput = z.input<typeof ComputeShardSignaturesInput>;

export const ComputeShardSignaturesOutput = z.object({
  shardIndex: z.number().int().nonnegative(),
  documents: z.number().int().nonnegative(),
  withoutShingles: z.number().int().nonnegative(),
  skipped: z.boolean().describe('True when a matching manifest made the work unnecessary'),
});
export type ComputeShardSignaturesOutput = z.infer<typeof ComputeShardSignaturesOutput>;

const IndexView = z.object({
  indexUri: z.string().optional(),
  indexSegments: z.number().int().nonnegative().default(0).describe('Leading index segments to deduplicate against'),
});

export const FindBucketCandidatesInput = StageLocation.extend(IndexView.shape).extend({
  shardCount: z.number().int().nonnegative(),
  band: z.number().int().nonnegative(),
  partition: z.number().int().nonnegative(),
});
export type FindBucketCandidatesInput = z.input<typeof FindBucketCandidatesInput>;

export const FindBucketCandidatesOutput = z.object({
  band: z.number().int(),
  partition: z.number().int(),
  entries: z.number().int().nonnegative(),
  sharedBuckets: z.number().int().nonnegative().describe('Buckets holding two or more documents'),
  candidatePairs: z.number().int().nonnegative(),
  skipped: z.boolean(),
});
export type FindBucketCandidatesOutput = z.infer<typeof FindBucketCandidatesOutput>;

export const BuildDuplicateClustersInput = StageLocation.extend(IndexView.shape).extend({
  shardCount: z.number().int().nonnegative(),
});
export type BuildDuplicateClustersInput = z.input<typeof BuildDuplicateClustersInput>;

export const BuildDuplicateClustersOutput = z.object({
  clusters: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  candidatePairs: z.number().int().nonnegative(),
  verifiedPairs: z.number().int().nonnegative().describe('Candidate pairs whose estimated similarity reached the threshold'),
  clustersUri: z.string(),
  skipped: z.boolean(),
});
export type BuildDuplicateClustersOutput = z.infer<typeof BuildDuplicateClustersOutput>;

export const RemoveNearDuplicatesInput = StageLocation.extend({
  shardUri: z.string(),
  shardIndex: z.number().int().nonnegative(),
  indexSegmentUri: z.string().optional().describe('Index segment folder to copy this shard\'s kept signatures into'),
});
export type RemoveNearDuplicatesInput = z.input<typeof RemoveNearDuplicatesInput>;

export const RemoveNearDuplicatesOutput = z.object({
  shardIndex: z.number().int().nonnegative(),
  shardUri: z.string(),
  rejectedUri: z.string(),
  stats: StageStats,
  skipped: z.boolean(),
});
export type RemoveNearDuplicatesOutput = z.infer<typeof RemoveNearDuplicatesOutput>;

export const OpenNearDedupIndexInput = z.object({
  indexUri: z.string(),
  outputUri: z.string(),
  options: NearDedupOptions,
});
export type OpenNearDedupIndexInput = z.input<typeof OpenNearDedupIndexInput>;

export const OpenNearDedupIndexOutput = z.object({
  segments: z.number().int().nonnegative().describe('Segments published before this run'),
  documents: z.number().int().nonnegative(),
  segmentName: z.string().describe('Name this run publishes its segment under'),
  segmentUri: z.string(),
});
export type OpenNearDedupIndexOutput = z.infer<typeof OpenNearDedupIndexOutput>;

export const PublishNearDedupIndexInput = z.object({
  indexUri: z.string(),
  segmentName: z.string(),
  shardCount: z.number().int().nonnegative(),
  documents: z.number().int().nonnegative(),
  options: NearDedupOptions,
});
export type PublishNearDedupIndexInput = z.input<typeof PublishNearDedupIndexInput>;

/** The index's table of contents, `index.json` at its root. Segments are append-only. */
export const NearDedupIndexFile = z.object({
  format: z.literal(1),
  configHash: z.string(),
  config: z.record(z.string(), z.unknown()),
  segments: z.array(
    z.object({
      name: z.string(),
      shardCount: z.number().int().nonnegative(),
      documents: z.number().int().nonnegative(),
      publishedAt: z.string(),
    }),
  ),
});
export type NearDedupIndexFile = z.infer<typeof NearDedupIndexFile>;

/** One child workflow's share of a fan-out phase: shards for signatures and removal, (band, partition) sections for buckets. */
export const NearDedupBatchInput = z.object({
  phase: z.enum(['signatures', 'buckets', 'removal']),
  outputUri: z.string(),
  options: NearDedupOptions,
  shardUris: z.array(z.string()).default([]).describe('The batch\'s shards, for the signatures and removal phases'),
  firstShardIndex: z.number().int().nonnegative().default(0),
  firstSection: z.number().int().nonnegative().default(0).describe('First section, numbered band * partitions + partition'),
  sectionCount: z.number().int().nonnegative().default(0),
  shardCount: z.number().int().nonnegative().default(0).describe('Shards in the whole run, for the buckets phase'),
  indexUri: z.string().optional(),
  indexSegments: z.number().int().nonnegative().default(0),
  indexSegmentUri: z.string().optional(),
});
export type NearDedupBatchInput = z.infer<typeof NearDedupBatchInput>;

export const NearDedupBatchOutput = z.object({
  stats: StageStats,
  documents: z.number().int().nonnegative(),
  candidatePairs: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative().describe('Activities that found a matching manifest'),
});
export type NearDedupBatchOutput = z.infer<typeof NearDedupBatchOutput>;

/** Resume state of a continued-as-new `nearDedup`: the phase, its next batch and the totals so far. */
export const NearDedupCarry = z.object({
  phase: z.enum(['signatures', 'buckets', 'clusters', 'removal', 'publish']),
  nextBatch: z.number().int().nonnegative(),
  index: OpenNearDedupIndexOutput.optional().describe('The persistent index as the first run opened it'),
  documents: z.number().int().nonnegative(),
  candidatePairs: z.number().int().nonnegative(),
  clusters: BuildDuplicateClustersOutput.optional(),
  stats: StageStats,
  skipped: z.number().int().nonnegative(),
  continuedRuns: z.number().int().nonnegative(),
});
export type NearDedupCarry = z.infer<typeof NearDedupCarry>;
