// Schemas of mid-training long-context selection and packing. phi-4's mid-training extends the
// context from 4K to 16K on about 250B tokens drawn from documents over 8K tokens, with those
// over 16K up-weighted (Abdin et al., 2024). Pure module.
import { z } from 'zod';
import { FileDigest } from './manifest';

export const LongContextOptions = z.object({
  sources: z.array(z.string()).default(['acquired', 'code']).describe('Mixture source names that supply long documents'),
  minTokens: z.number().int().positive().default(8_192).describe('Shortest eligible document, in tokens (end-of-document excluded)'),
  upweightMinTokens: z.number().int().positive().default(16_384).describe('Documents at least this long get upweightFactor'),
  // NOTE: phi-4's report up-weights longer documents but states no factor, so 2 is a chosen default.
  upweightFactor: z.number().positive().default(2).describe('Sampling weight of a document of upweightMinTokens or more, relative to 1'),
  budgetTokens: z.number().positive().default(250e9).describe('Tokens the selection supplies to mid-training'),
  contextLength: z.number().int().positive().default(16_384).describe('Tokens per packed training sequence'),
  seed: z.number().int().nonnegative().default(0).describe('Seed of the sampling and shuffling, so a rerun selects the same documents'),
});
export type LongContextOptions = z.infer<typeof LongContextOptions>;

export const LongContextSource = z.object({
  name: z.string(),
  tokenShardManifests: z.array(z.string()).min(1).describe('URIs of tokenize-stage shard manifests of this source'),
});

export const SelectLongContextInput = z.object({
  sources: z.array(LongContextSource).min(1),
  outputUri: z.string().describe('Run output prefix; the plan goes to <outputUri>/midtrain/'),
  options: LongContextOptions.prefault({}),
});
export type SelectLongContextInput = z.input<typeof SelectLongContextInput>;

export const SourceSelectionStats = z.object({
  source: z.string(),
  documents: z.number().int().nonnegative().describe('Documents read from the source'),
  eligibleDocuments: z.number().int().nonnegative(),
  upweightedDocuments: z.number().int().nonnegative(),
  eligibleTokens: z.number().nonnegative(),
  selectedCopies: z.number().int().nonnegative().describe('Document copies in the plan; a document can repeat'),
  selectedTokens: z.number().nonnegative(),
});
export type SourceSelectionStats = z.infer<typeof SourceSelectionStats>;

/** One line of the selection plan: a document of a token dataset and how often it is used. */
export const PlannedDocument = z.object({
  prefix: z.string(),
  sequence: z.number().int().nonnegative(),
  tokens: z.number().int().positive(),
  copies: z.number().int().positive(),
});
export type PlannedDocument = z.infer<typeof PlannedDocument>;

export const SelectLongContextOutput = z.object({
  planUri: z.string().describe('gzip JSON Lines of PlannedDocument'),
  manifestUri: z.string(),
  selectedTokens: z.number().nonnegative(),
  sources: z.array(SourceSelectionStats),
});
export type SelectLongContextOutput = z.infer<typeof SelectLongContextOutput>;

export const SelectionManifest = z.object({
  kind: z.literal('midtrain-selection'),
  options: LongContextOptions,
  configHash: z.string(),
  codeVersion: z.string(),
  plan: FileDigest.extend({ records: z.number().int().nonnegative() }),
  selectedTokens: z.number().nonnegative(),
  sources: z.array(SourceSelectionStats),
  createdAt: z.string(),
});
export type SelectionManifest = z.infer<typeof SelectionManifest>;

export const PackLongContextInput = z.object({
  planUri: z.string(),
  outputUri: z.string(),
  contextLength: z.number().int().positive().default(16_384),
  sequencesPerShard: z.number().int().positive().default(65_536).describe('Packed sequences per output shard (65,536 × 16K ≈ 1B tokens)'),
  seed: z.number().int().nonnegative().default(0),
});
export type PackLongContextInput = z.input<typeof PackLongContextInput>;

export const PackedShard = z.object({
  prefix: z.string(),
  bin: FileDigest,
  idx: FileDigest,
  sequences: z.number().int().nonnegative(),
});

export const PackLongContextOutput = z.object({
  manifestUri: z.string(),
  shards: z.array(PackedShard),
  sequences: z.number().int().nonnegative(),
  packedTokens: z.number().int().nonnegative(),
  droppedTailTokens: z.number().int().nonnegative().describe('Tokens after the last full sequence, left out'),
});
export type PackLongContextOutput = z.infer<typeof PackLongContextOutput>;

export const PackedManifest = PackLongContextOutput.omit({ manifestUri: true }).extend({
  kind: z.literal('midtrain-packed'),
  contextLength: z.number().int().positive(),
  plan: z.string(),
  configHash: z.string(),
  codeVersion: z.string(),
  createdAt: z.string(),
});
export type PackedManifest = z.infer<typeof PackedManifest>;
