// Phase 3 of decontamination: n-grams that many scanned documents contain are ordinary text
// (quotations, boilerplate, stock phrases), not copied test items, and are ignored. Counting
// happens across the whole run, so it needs every shard's scan first.
import { FindCommonNgramsInput, FindCommonNgramsOutput } from '../../schemas/decontaminate';
import { storageFor } from '../storage';
import { heartbeatProgress } from '../near-dedup/heartbeat';
import { commonNgramsUri, scanPaths } from './layout';
import type { ShardMatches } from './scan-shard';

export interface CommonNgrams {
  threshold: number;
  keys: number[];
}

export async function findCommonNgrams(rawInput: FindCommonNgramsInput): Promise<FindCommonNgramsOutput> {
  const input = FindCommonNgramsInput.parse(rawInput);
  const { options } = input;
  const threshold = Math.max(options.commonDocumentCount, Math.floor(options.commonDocumentFraction * input.documents));

  const documentsPerKey = new Map<number, number>();
  for (let shardIndex = 0; shardIndex < input.shardCount; shardIndex += 1) {
    const uri = scanPaths(input.outputUri, shardIndex).matches;
    const shard = JSON.parse((await (await storageFor(uri)).readBytes(uri)).toString('utf8')) as ShardMatches;
    for (const document of shard.matched) {
      for (const match of document.matches) documentsPerKey.set(match.key, (documentsPerKey.get(match.key) ?? 0) + 1);
    }
    if (shardIndex % 100 === 99) heartbeatProgress({ shardsRead: shardIndex + 1 });
  }
  const keys = [...documentsPerKey].filter(([, count]) => count > threshold).map(([key]) => key);

  const commonUri = commonNgramsUri(input.outputUri);
  const common: CommonNgrams = { threshold, keys };
  await (await storageFor(commonUri)).write(commonUri, JSON.stringify(common));
  return { commonNgrams: keys.length, threshold, commonUri };
}
