// Schemas of the tokenize stage: chat and preference records on disk, the tokenizeShard
// activity's input and output, and the manifest of one token shard. Pure module.
import { z } from 'zod';
import { FileDigest } from './manifest';
import { StageStats } from './stats';

export const ChatMessage = z.object({
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: z.string(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

/** One SFT example: chat `messages` in the OpenAI / Hugging Face form. */
export const SftRecord = z.object({
  id: z.string(),
  messages: z.array(ChatMessage).min(1),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
export type SftRecord = z.infer<typeof SftRecord>;

const Completion = z.union([z.string(), z.array(ChatMessage).min(1)]);

/** One DPO pair in the form TRL's DPO trainer reads, either plain text or conversational. */
export const PreferencePair = z.object({
  id: z.string().optional(),
  prompt: z.union([z.string(), z.array(ChatMessage).min(1)]),
  chosen: Completion,
  rejected: Completion,
  metadata: z.record(z.string(), z.unknown()).optional(),
});
export type PreferencePair = z.infer<typeof PreferencePair>;

export const RecordFormat = z
  .enum(['document', 'sft', 'preference'])
  .describe('document: `text` plus end-of-document; sft: chatml with a loss mask; preference: prompt/chosen/rejected');
export type RecordFormat = z.infer<typeof RecordFormat>;

export const TokenizeShardInput = z.object({
  inputUri: z.string().describe('A gzip JSON Lines shard of documents, SFT records or preference pairs'),
  outputUri: z.string().describe('Run output prefix; shards go to <outputUri>/tokenize/<dataset>/'),
  dataset: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lowercase letters, digits, "-" and "_"')
    .describe('Dataset name in the mixture, for example "web" or "code"'),
  shardIndex: z.number().int().nonnegative(),
  format: RecordFormat.default('document'),
  exports: z
    .object({
      jsonl: z.boolean().default(false).describe('Also write the documents as gzip JSON Lines text'),
      parquet: z.boolean().default(false).describe('Also write the documents as a Parquet text file'),
    })
    .prefault({}),
});
export type TokenizeShardInput = z.input<typeof TokenizeShardInput>;

/** An indexed dataset written by the stage: `<prefix>.bin` and `<prefix>.idx`. */
export const TokenDataset = z.object({
  prefix: z.string().describe('URI without extension, as Megatron\'s --data-path takes it'),
  role: z.enum(['tokens', 'loss_mask', 'prompt', 'chosen', 'rejected']),
  dtype: z.enum(['uint16', 'int32']),
  bin: FileDigest,
  idx: FileDigest,
  sequences: z.number().int().nonnegative(),
  tokens: z.number().int().nonnegative(),
});
export type TokenDataset = z.infer<typeof TokenDataset>;

export const TokenShardManifest = z.object({
  kind: z.literal('token-shard'),
  stage: z.literal('tokenize'),
  dataset: z.string(),
  shardIndex: z.number().int().nonnegative(),
  format: RecordFormat,
  tokenizer: z.object({ name: z.literal('cl100k_base'), vocabSize: z.number().int().positive() }),
  configHash: z.string(),
  codeVersion: z.string(),
  inputs: z.array(FileDigest),
  datasets: z.array(TokenDataset),
  exports: z.array(FileDigest.extend({ format: z.enum(['jsonl', 'parquet']), records: z.number().int().nonnegative() })),
  rejected: FileDigest.extend({ records: z.number().int().nonnegative() }),
  stats: StageStats,
  createdAt: z.string(),
});
export type TokenShardManifest = z.infer<typeof TokenShardManifest>;

export const TokenizeShardOutput = z.object({
  manifestUri: z.string(),
  reused: z.boolean().describe('True when a matching manifest existed and no work was done'),
  dataset: z.string(),
  datasets: z.array(TokenDataset.pick({ prefix: true, role: true, sequences: true, tokens: true })),
  stats: StageStats,
});
export type TokenizeShardOutput = z.infer<typeof TokenizeShardOutput>;
