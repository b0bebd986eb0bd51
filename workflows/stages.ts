// The stages of the `pipeline` workflow, in order. A stage either maps every shard through
// one activity (`shard`: run in batched child workflows) or works across the whole corpus
// (`corpus`: one child workflow that takes every shard, such as deduplication). Every stage
// keeps the shard count, and writes shard i to `<output>/<stage>/shard-0000i.jsonl.gz`.
import { executeChild } from '@temporalio/workflow';
import type { PipelineInput } from '../schemas/pipeline';
import type { StageStats } from '../schemas/stats';
import type { ShardActivityName } from './shard-batch';
import { exactDedup } from './exact-dedup';
import { nearDedup } from './near-dedup';
import { decontaminate } from './decontaminate';

export interface ShardStageDefinition {
  kind: 'shard';
  stage: string;
  activity: ShardActivityName;
  enabled: (input: PipelineInput) => boolean;
  options: (input: PipelineInput) => unknown;
}

export interface CorpusStageResult {
  shardUris: string[];
  stats: StageStats;
  manifestHits: number;
  details: Record<string, unknown>;
}

export interface CorpusStageDefinition {
  kind: 'corpus';
  stage: string;
  enabled: (input: PipelineInput) => boolean;
  options: (input: PipelineInput) => unknown;
  run: (args: { workflowId: string; shardUris: string[]; outputUri: string; input: PipelineInput }) => Promise<CorpusStageResult>;
}

export type StageDefinition = ShardStageDefinition | CorpusStageDefinition;

export const STAGES: StageDefinition[] = [
  { kind: 'shard', stage: 'extract', activity: 'extractShard', enabled: () => true, options: (input) => input.extract },
  { kind: 'shard', stage: 'filter', activity: 'filterShard', enabled: (input) => input.filter.enabled, options: (input) => input.filter.rules },
  {
    kind: 'corpus',
    stage: 'exact-dedup',
    enabled: (input) => input.exactDedup.enabled,
    options: (input) => input.exactDedup.options,
    run: async ({ workflowId, shardUris, outputUri, input }) => {
      const result = await executeChild(exactDedup, { workflowId, args: [{ shardUris, outputUri, options: input.exactDedup.options }] });
      return { shardUris: result.shardUris, stats: result.stats, manifestHits: result.manifestHits, details: { duplicates: result.duplicates } };
    },
  },
  {
    kind: 'corpus',
    stage: 'near-dedup',
    enabled: (input) => input.nearDedup.enabled,
    options: (input) => input.nearDedup.options,
    run: async ({ workflowId, shardUris, outputUri, input }) => {
      const result = await executeChild(nearDedup, { workflowId, args: [{ shardUris, outputUri, options: input.nearDedup.options }] });
      return {
        shardUris: result.shardUris,
        stats: result.stats,
        manifestHits: result.manifestHits,
        details: { clusters: result.clusters, duplicates: result.duplicates, candidatePairs: result.candidatePairs, clustersUri: result.clustersUri },
      };
    },
  },
  {
    kind: 'corpus',
    stage: 'decontaminate',
    enabled: (input) => input.decontaminate.enabled,
    options: (input) => input.decontaminate.options,
    run: async ({ workflowId, shardUris, outputUri, input }) => {
      const result = await executeChild(decontaminate, { workflowId, args: [{ shardUris, outputUri, options: input.decontaminate.options }] });
      return {
        shardUris: result.shardUris,
        stats: result.stats,
        manifestHits: result.manifestHits,
        details: { hits: result.hits, benchmarks: result.benchmarks, manifestUri: result.manifestUri },
      };
    },
  },
];
