// Child workflow that runs one stage's shard activity over a contiguous range of shards with
// bounded concurrency. Batching keeps the parent's history to one event group per batch.
import { proxyActivities } from '@temporalio/workflow';
import type * as cpuActivities from '../activities/cpu';
import type { StageStats } from '../schemas/stats';
import { addStats, emptyStats } from '../schemas/stats';
import { queueFor } from './queues';
import { addNestedCounts, type NestedCounts } from '../schemas/counts';

/** Shard activities a batch can run; each takes `{ shardIndex, ...common }`. */
export type ShardActivityName = 'extractShard' | 'filterShard' | 'tokenizeStageShard';

export interface ShardBatchInput {
  activity: ShardActivityName;
  firstShard: number;
  /** One past the last shard of the batch. */
  endShard: number;
  /** For stages after extraction: the document shard each activity reads, aligned with the range. */
  inputUris?: string[];
  activityConcurrency: number;
  heartbeatTimeoutSeconds: number;
  common: Record<string, unknown>;
}

export interface ShardBatchResult {
  stats: StageStats;
  manifestHits: number;
  shards: number;
  /** Stage-specific counters summed over the batch, such as kept and dropped documents per language. */
  counters: NestedCounts;
}

export async function shardBatch(input: ShardBatchInput): Promise<ShardBatchResult> {
  // A shard is bounded by shardSizeBytes, so hours is generous; heartbeats catch a dead worker much sooner.
  const activities = proxyActivities<typeof cpuActivities>({
    taskQueue: queueFor('cpu'),
    startToCloseTimeout: '6 hours',
    heartbeatTimeout: `${input.heartbeatTimeoutSeconds} seconds`,
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 10 },
  });
  // Every shard activity takes `{ shardIndex, ...common }` (plus `inputUri` after extraction); the stage list pairs each activity with its common input.
  const run = activities[input.activity] as unknown as (args: Record<string, unknown>) => Promise<Awaited<ReturnType<typeof activities.extractShard>>>;

  const stats = emptyStats();
  const counters: NestedCounts = {};
  let manifestHits = 0;
  let next = input.firstShard;
  const lane = async () => {
    while (next < input.endShard) {
      const shardIndex = next;
      next += 1;
      const inputUri = input.inputUris?.[shardIndex - input.firstShard];
      const result = await run({ ...input.common, shardIndex, ...(inputUri ? { inputUri } : {}) });
      addStats(stats, result.stats);
      addNestedCounts(counters, (result.counters ?? {}) as NestedCounts);
      if (result.manifestHit) manifestHits += 1;
    }
  };
  const lanes = Math.max(1, Math.min(input.activityConcurrency, input.endShard - input.firstShard));
  await Promise.all(Array.from({ length: lanes }, lane));

  return { stats, manifestHits, shards: input.endShard - input.firstShard, counters };
}
