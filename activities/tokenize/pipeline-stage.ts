// Adapters that run the tokenize stage and the data mixture as steps of the `pipeline`
// workflow: one token shard per document shard, then one mixture over the run's token shards.
import { z } from 'zod';
import type { ShardResult } from '../extract/activity';
import { computeMixture } from '../mixture/compute-mixture';
import { tokenizeShard, tokenShardPaths } from './tokenize-shard';

export const PipelineTokenizeOptions = z.object({
  dataset: z.string(),
  exports: z.object({ jsonl: z.boolean(), parquet: z.boolean() }),
});

export const TokenizeStageShardInput = z.object({
  shardIndex: z.number().int().nonnegative(),
  inputUri: z.string(),
  outputUri: z.string(),
  configHash: z.string().optional(),
  options: PipelineTokenizeOptions,
});
export type TokenizeStageShardInput = z.input<typeof TokenizeStageShardInput>;

export async function tokenizeStageShard(rawInput: TokenizeStageShardInput): Promise<ShardResult> {
  const params = TokenizeStageShardInput.parse(rawInput);
  const result = await tokenizeShard({
    inputUri: params.inputUri,
    outputUri: params.outputUri,
    dataset: params.options.dataset,
    shardIndex: params.shardIndex,
    format: 'document',
    exports: params.options.exports,
  });
  const tokens = result.datasets.reduce((sum, dataset) => sum + (dataset.role === 'tokens' ? dataset.tokens : 0), 0);
  return {
    stage: 'tokenize',
    shardIndex: params.shardIndex,
    manifestHit: result.reused,
    manifestUri: result.manifestUri,
    documentsUri: params.inputUri,
    stats: result.stats,
    counters: { tokens },
  };
}

export const RunMixtureInput = z.object({
  outputUri: z.string(),
  dataset: z.string(),
  shardCount: z.number().int().nonnegative(),
  targetTokens: z.number().positive(),
  maxEpochs: z.number().positive(),
});
export type RunMixtureInput = z.input<typeof RunMixtureInput>;

/** Writes the run's mixture manifest and Megatron `--data-path` blend: one source, this run's dataset. */
export async function computeRunMixture(rawInput: RunMixtureInput) {
  const params = RunMixtureInput.parse(rawInput);
  const manifests = Array.from({ length: params.shardCount }, (_, index) => tokenShardPaths(params.outputUri, params.dataset, index).manifest);
  return computeMixture({
    outputUri: params.outputUri,
    targetTokens: params.targetTokens,
    maxEpochs: params.maxEpochs,
    sources: [{ name: params.dataset, fraction: 1, tokenShardManifests: manifests }],
  });
}
