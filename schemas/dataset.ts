// The decontamination record a dataset carries, and the manifest of a synthetic dataset.
// A training launch reads the record and rejects a dataset without one (activities/dataset/
// preflight.ts). Pure module: the workflow bundle imports it.
import { z } from 'zod';
import { DecontaminateOptions, HitCounts } from './decontaminate';
import { NearDedupOptions } from './near-dedup';
import { ShardSet } from './shard-set';

/** The benchmark sets a dataset was checked against, copied from the decontamination stage manifest. */
export const DecontaminationRecord = z.object({
  manifestUri: z.string().describe('The decontamination stage manifest this record was read from'),
  benchmarks: z.array(
    z.object({
      name: z.string(),
      items: z.number().int().nonnegative(),
      files: z.array(z.object({ uri: z.string(), sha256: z.string() })),
    }),
  ),
  documentsChecked: z.number().int().nonnegative(),
  documentsRemoved: z.number().int().nonnegative(),
  hits: HitCounts.describe('Removed documents by benchmark, then by source'),
});
export type DecontaminationRecord = z.infer<typeof DecontaminationRecord>;

/** `dataset.manifest.json` beside a synthetic dataset: what a trainer reads. */
export const DatasetManifest = z.object({
  kind: z.literal('dataset'),
  dataset: z.string().describe('Dataset name, such as fim or instruction-reversal'),
  workflowId: z.string(),
  shards: z.array(z.object({ uri: z.string(), sha256: z.string(), bytes: z.number().int().nonnegative(), records: z.number().int().nonnegative() })),
  records: z.number().int().nonnegative(),
  decontamination: DecontaminationRecord.optional().describe('Absent when the dataset was not decontaminated, and then training launches reject it'),
  createdAt: z.string(),
});
export type DatasetManifest = z.infer<typeof DatasetManifest>;

/** Decontamination settings of a synthetic-data workflow, applied before it publishes its output. */
export const SyntheticDecontamination = z.strictObject({
  enabled: z
    .boolean()
    .default(true)
    .describe('Remove records that share benchmark n-grams before publishing. When off, the dataset has no decontamination record and training launches reject it'),
  options: DecontaminateOptions.prefault({}),
});
export type SyntheticDecontamination = z.infer<typeof SyntheticDecontamination>;

export const WriteDatasetManifestInput = z.object({
  dataset: z.string(),
  workflowId: z.string(),
  shards: ShardSet,
  manifestUri: z.string(),
  decontaminationManifestUri: z.string().optional().describe('Unset when the dataset was not decontaminated'),
});
export type WriteDatasetManifestInput = z.input<typeof WriteDatasetManifestInput>;

export const CheckDatasetForTrainingInput = z.object({
  manifestUri: z.string().describe('A run manifest (manifest.json of a pipeline output), a dataset manifest (dataset.manifest.json) or a refresh version manifest'),
  requiredBenchmarks: z.array(z.string()).default([]).describe('Benchmark sets the record must name, on top of having one'),
});
export type CheckDatasetForTrainingInput = z.input<typeof CheckDatasetForTrainingInput>;

export const CheckDatasetForTrainingOutput = z.object({
  manifestUri: z.string(),
  benchmarks: z.array(z.string()),
});
export type CheckDatasetForTrainingOutput = z.infer<typeof CheckDatasetForTrainingOutput>;

/**
 * Near-duplicate removal of a synthetic-data workflow's output, before decontamination. Off by
 * default for FIM, whose exercises from one program are near-identical on purpose.
 */
export function syntheticNearDedup(enabledByDefault: boolean) {
  return z.strictObject({
    enabled: z.boolean().default(enabledByDefault).describe('Remove near-duplicate records (MinHash LSH) before publishing'),
    options: NearDedupOptions.omit({ indexUri: true, publishIndex: true }).prefault({}),
  });
}
export type SyntheticNearDedup = z.infer<ReturnType<typeof syntheticNearDedup>>;
