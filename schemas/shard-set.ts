// A set of document shards, passed between workflows without listing every shard. Stages
// write shard i to `<folder>/shard-0000i.jsonl.gz`, so a folder and a count name any number
// of shards in a few bytes. An explicit list remains for hand-started runs over files that
// follow no layout, and a workflow slices it into bounded child inputs. Pure module: the
// workflow bundle imports it.
import { z } from 'zod';
import { joinUri, shardName } from './layout';

export const ShardFolder = z.strictObject({
  folder: z.string().describe('Folder containing shard-00000.jsonl.gz, shard-00001.jsonl.gz, ...'),
  count: z.number().int().nonnegative(),
});
export type ShardFolder = z.infer<typeof ShardFolder>;

export const ShardList = z.strictObject({ uris: z.array(z.string()).describe('gzip JSON Lines document shards, in shard order') });
export type ShardList = z.infer<typeof ShardList>;

export const ShardSet = z.union([ShardFolder, ShardList]);
export type ShardSet = z.infer<typeof ShardSet>;

export function shardFolder(folder: string, count: number): ShardFolder {
  return { folder, count };
}

export function shardCountOf(set: ShardSet): number {
  return 'uris' in set ? set.uris.length : set.count;
}

/** Returns the URI of shard `index` of the set. */
export function shardUriAt(set: ShardSet, index: number): string {
  if ('uris' in set) {
    const uri = set.uris[index];
    if (uri === undefined) throw new RangeError(`Shard ${index} is past the end of a list of ${set.uris.length} shards`);
    return uri;
  }
  if (index >= set.count) throw new RangeError(`Shard ${index} is past the last shard of ${set.folder} (${set.count} shards)`);
  return joinUri(set.folder, `${shardName(index)}.jsonl.gz`);
}

/** Returns the URIs of shards first..first+count-1, which is what one batch child receives. */
export function shardUrisBetween(set: ShardSet, first: number, count: number): string[] {
  const end = Math.min(shardCountOf(set), first + count);
  return Array.from({ length: Math.max(0, end - first) }, (_, offset) => shardUriAt(set, first + offset));
}

/** Lists every shard URI of the set. For activities and tests, not for workflow payloads. */
export function allShardUris(set: ShardSet): string[] {
  return shardUrisBetween(set, 0, shardCountOf(set));
}

/**
 * Picks the shards a workflow input names: `shards` when given, else the older `shardUris` list.
 * Both fields stay accepted so inputs saved in schedules and scripts keep working.
 */
export function inputShards(input: { shards?: ShardSet; shardUris?: string[] }): ShardSet {
  return input.shards ?? { uris: input.shardUris ?? [] };
}

/** Option of the corpus workflows that bounds each run's history: batch children per run before continuing as new. */
export const MaxChildrenPerRun = z
  .number()
  .int()
  .min(1)
  .default(500)
  .describe('Batch child workflows one run starts before it continues as new, which bounds its event history');
