// Boundaries of the benchmark decontamination stage. Pure module: the workflow bundle imports it.
import { z } from 'zod';
import { StageStats } from './stats';
import { MaxChildrenPerRun, ShardFolder, ShardSet } from './shard-set';

export const BenchmarkFormat = z.enum(['jsonl', 'jsonl.gz', 'json', 'parquet', 'csv']);
export type BenchmarkFormat = z.infer<typeof BenchmarkFormat>;

/**
 * Field paths of one benchmark item's texts. Each entry is a field path with dots for nesting
 * (`"question"`, `"turns.0.content"`); a CSV file without a header row uses column numbers
 * (`"0"`). Array values are flattened, so a `choices` list field can be named once.
 */
export const BenchmarkFields = z.strictObject({
  id: z.string().optional().describe('Field holding the item id; the file name and row number when unset'),
  question: z.array(z.string()).min(1),
  answer: z.array(z.string()).default([]),
  choices: z.array(z.string()).default([]),
});
export type BenchmarkFields = z.infer<typeof BenchmarkFields>;

export const BenchmarkSet = z.strictObject({
  name: z.string().min(1),
  uri: z.string().describe('A file, or a folder whose files ending in the format\'s extension are all read; relative to benchmarkRoot'),
  format: BenchmarkFormat.optional().describe('Inferred from the file extension when unset'),
  csvHeader: z.boolean().default(false).describe('CSV only: the first row names the columns'),
  recordsPath: z.string().optional().describe('JSON only: field path of the item array when the file is an object'),
  fields: BenchmarkFields,
});
export type BenchmarkSet = z.infer<typeof BenchmarkSet>;

/** The benchmark files shipped beside the repository: GSM8K, HumanEval, MBPP and MMLU test sets. */
export const DEFAULT_BENCHMARKS: z.input<typeof BenchmarkSet>[] = [
  { name: 'gsm8k', uri: 'gsm8k/test.jsonl', fields: { question: ['question'], answer: ['answer'] } },
  { name: 'humaneval', uri: 'humaneval/HumanEval.jsonl.gz', fields: { id: 'task_id', question: ['prompt'], answer: ['canonical_solution'] } },
  { name: 'mbpp', uri: 'mbpp/mbpp.jsonl', fields: { id: 'task_id', question: ['text'], answer: ['code', 'test_list'] } },
  { name: 'mmlu', uri: 'mmlu/test', format: 'csv', fields: { question: ['0'], choices: ['1', '2', '3', '4'] } },
];

export const DecontaminateOptions = z.strictObject({
  benchmarkRoot: z.string().default('../shared/data/bench').describe('Folder that relative benchmark URIs resolve against'),
  benchmarks: z.array(BenchmarkSet).default(DEFAULT_BENCHMARKS.map((set) => BenchmarkSet.parse(set))),
  longNgram: z.number().int().min(2).max(64).default(13).describe('Words per n-gram for benchmark texts of at least this many words'),
  shortNgram: z.number().int().min(2).max(64).default(7).describe('Words per n-gram for benchmark texts shorter than longNgram'),
  maxItemsPerNgram: z
    .number()
    .int()
    .min(1)
    .default(6)
    .describe('An n-gram found in more benchmark items than this is a template phrase and is ignored; MMLU shares one passage among up to six questions'),
  commonDocumentCount: z
    .number()
    .int()
    .min(1)
    .default(20)
    .describe('An n-gram found in more scanned documents than this (and than commonDocumentFraction) is ordinary text and is ignored'),
  commonDocumentFraction: z.number().min(0).max(1).default(0.001),
  maxMatchesPerDocument: z.number().int().min(1).default(10).describe('Matches listed in the report per document'),
  batchSize: z.number().int().min(1).max(1000).default(100).describe('Shards per child workflow'),
  concurrency: z.number().int().min(1).max(256).default(8).describe('Activities in flight per workflow'),
  maxChildrenPerRun: MaxChildrenPerRun,
  taskQueue: z.string().optional().describe('Queue of the activities and child workflows; the workflow\'s own queue (cpu) when unset'),
});
export type DecontaminateOptions = z.infer<typeof DecontaminateOptions>;

export const DecontaminateInput = z.strictObject({
  shards: ShardSet.optional().describe('The document shards: a folder and a count, or a list; takes precedence over shardUris'),
  shardUris: z.array(z.string()).default([]).describe('gzip JSON Lines document shards, when shards is unset'),
  outputUri: z.string().default('.corpusflow/decontaminate').describe('Folder for this stage'),
  options: DecontaminateOptions.prefault({}),
});
export type DecontaminateInput = z.input<typeof DecontaminateInput>;

/** One benchmark set as it was indexed: recorded in the stage manifest. */
export const IndexedBenchmark = z.object({
  name: z.string(),
  files: z.array(z.object({ uri: z.string(), sha256: z.string(), bytes: z.number().int().nonnegative() })),
  items: z.number().int().nonnegative(),
  longNgrams: z.number().int().nonnegative(),
  shortNgrams: z.number().int().nonnegative(),
  textsTooShort: z.number().int().nonnegative().describe('Question, answer or choice texts shorter than shortNgram words, not indexed'),
  lowInformationNgrams: z
    .number()
    .int()
    .nonnegative()
    .describe('N-grams not indexed because fewer than half their words have two characters and a letter, such as "0 1 2 ... 12"'),
});
export type IndexedBenchmark = z.infer<typeof IndexedBenchmark>;

export const BuildBenchmarkIndexInput = z.object({ outputUri: z.string(), options: DecontaminateOptions });
export type BuildBenchmarkIndexInput = z.input<typeof BuildBenchmarkIndexInput>;

export const BuildBenchmarkIndexOutput = z.object({
  indexUri: z.string(),
  configHash: z.string(),
  benchmarks: z.array(IndexedBenchmark),
  templateNgrams: z.number().int().nonnegative().describe('N-grams dropped because more than maxItemsPerNgram items share them'),
  skipped: z.boolean(),
});
export type BuildBenchmarkIndexOutput = z.infer<typeof BuildBenchmarkIndexOutput>;

const ShardTask = z.object({
  shardUri: z.string(),
  shardIndex: z.number().int().nonnegative(),
  outputUri: z.string(),
  indexUri: z.string(),
  options: DecontaminateOptions,
});

export const ScanShardInput = ShardTask;
export type ScanShardInput = z.input<typeof ScanShardInput>;

export const ScanShardOutput = z.object({
  shardIndex: z.number().int().nonnegative(),
  documents: z.number().int().nonnegative(),
  documentsWithMatches: z.number().int().nonnegative(),
  skipped: z.boolean(),
});
export type ScanShardOutput = z.infer<typeof ScanShardOutput>;

export const FindCommonNgramsInput = z.object({
  outputUri: z.string(),
  shardCount: z.number().int().nonnegative(),
  documents: z.number().int().nonnegative().describe('Documents scanned in the whole run'),
  options: DecontaminateOptions,
});
export type FindCommonNgramsInput = z.input<typeof FindCommonNgramsInput>;

export const FindCommonNgramsOutput = z.object({
  commonNgrams: z.number().int().nonnegative(),
  threshold: z.number().int().nonnegative().describe('Documents an n-gram had to exceed to count as common'),
  commonUri: z.string(),
});
export type FindCommonNgramsOutput = z.infer<typeof FindCommonNgramsOutput>;

export const RemoveContaminatedInput = ShardTask.extend({ commonUri: z.string() });
export type RemoveContaminatedInput = z.input<typeof RemoveContaminatedInput>;

/** Hits per benchmark and per source: documents removed and matches reported. */
export const HitCounts = z.record(z.string(), z.record(z.string(), z.number().int().nonnegative()));
export type HitCounts = z.infer<typeof HitCounts>;

export const RemoveContaminatedOutput = z.object({
  shardIndex: z.number().int().nonnegative(),
  shardUri: z.string(),
  rejectedUri: z.string(),
  reportUri: z.string().describe('JSON Lines audit report: one line per removed document with its matches'),
  stats: StageStats,
  hits: HitCounts.describe('Removed documents by benchmark, then by document source'),
  skipped: z.boolean(),
});
export type RemoveContaminatedOutput = z.infer<typeof RemoveContaminatedOutput>;

export const WriteDecontaminationManifestInput = z.object({
  outputUri: z.string(),
  configHash: z.string(),
  benchmarks: z.array(IndexedBenchmark),
  stats: StageStats,
  hits: HitCounts,
  shardCount: z.number().int().nonnegative(),
});
export type WriteDecontaminationManifestInput = z.input<typeof WriteDecontaminationManifestInput>;

export const DecontaminateOutput = z.object({
  shards: ShardFolder.describe('Kept documents, shard i of the input at shard i'),
  rejected: ShardFolder.describe('Removed documents as rejected records'),
  reports: ShardFolder.describe('Audit report shards: one line per removed document with its matches'),
  stats: StageStats,
  hits: HitCounts,
  benchmarks: z.array(z.string()).describe('Benchmark sets the documents were decontaminated against'),
  manifestUri: z.string(),
  manifestHits: z.number().int().nonnegative(),
  continuedRuns: z.number().int().nonnegative().describe('Times the workflow continued as new'),
});
export type DecontaminateOutput = z.infer<typeof DecontaminateOutput>;

export const DecontaminateBatchInput = z.object({
  phase: z.enum(['scan', 'removal']),
  shardUris: z.array(z.string()),
  firstShardIndex: z.number().int().nonnegative(),
  outputUri: z.string(),
  indexUri: z.string(),
  commonUri: z.string().optional(),
  options: DecontaminateOptions,
});
export type DecontaminateBatchInput = z.infer<typeof DecontaminateBatchInput>;

export const DecontaminateBatchOutput = z.object({
  documents: z.number().int().nonnegative(),
  stats: StageStats,
  hits: HitCounts,
  skipped: z.number().int().nonnegative(),
});
export type DecontaminateBatchOutput = z.infer<typeof DecontaminateBatchOutput>;

/** Resume state of a continued-as-new `decontaminate`: the phase, its next batch and the totals so far. */
export const DecontaminateCarry = z.object({
  phase: z.enum(['scan', 'common', 'removal']),
  nextBatch: z.number().int().nonnegative(),
  index: BuildBenchmarkIndexOutput,
  documents: z.number().int().nonnegative(),
  common: FindCommonNgramsOutput.optional(),
  stats: StageStats,
  hits: HitCounts,
  skipped: z.number().int().nonnegative(),
  continuedRuns: z.number().int().nonnegative(),
});
export type DecontaminateCarry = z.infer<typeof DecontaminateCarry>;

/** Adds `source` hit counts into `target` in place. */
export function addHits(target: HitCounts, source: HitCounts): HitCounts {
  for (const [benchmark, bySource] of Object.entries(source)) {
    const into = (target[benchmark] ??= {});
    for (const [name, count] of Object.entries(bySource)) into[name] = (into[name] ?? 0) + count;
  }
  return target;
}
