// Phase 2 of MinHash deduplication: the shuffle. One activity owns one (band, hash range) and
// reads that section from every shard's bucket file, so its memory is bounded by the partition,
// not the corpus. Documents sharing a bucket become candidate pairs for the cluster phase.
import { FindBucketCandidatesInput, FindBucketCandidatesOutput, nearDedupIndexConfig } from '../../schemas/near-dedup';
import { storageFor } from '../storage';
import { readBucketSection, shardWorkPaths } from './files';
import { heartbeatProgress } from './heartbeat';
import { shardSources } from './index-store';
import type { ShardSource } from './index-store';
import { bucketManifestUri, edgesUri } from './layout';
import { configHash, describeFile, findMatchingManifest, writeManifest } from './manifest';

export async function findBucketCandidates(rawInput: FindBucketCandidatesInput): Promise<FindBucketCandidatesOutput> {
  const input = FindBucketCandidatesInput.parse(rawInput);
  const { band, partition, options } = input;
  const sources = await shardSources(input.outputUri, input.shardCount, input.indexUri, input.indexSegments, options);
  const hash = configHash({ ...nearDedupIndexConfig(options), band, partition, indexSegments: input.indexSegments });
  const inputs = await Promise.all(
    sources.filter((source) => !source.published).map((source) => describeFile(shardWorkPaths(source.folderUri, source.shardIndex).manifest)),
  );
  const manifestUri = bucketManifestUri(input.outputUri, band, partition);
  const existing = await findMatchingManifest(manifestUri, inputs, hash);
  if (existing) return { ...(existing.details as Omit<FindBucketCandidatesOutput, 'skipped'>), skipped: true };

  const entries = await loadSection(sources, band, partition);
  const { pairs, sharedBuckets } = candidatePairs(entries);

  const uri = edgesUri(input.outputUri, band, partition);
  const written = await (await storageFor(uri)).write(uri, Buffer.from(pairs.buffer, pairs.byteOffset, pairs.byteLength));
  const details = { band, partition, entries: entries.count, sharedBuckets, candidatePairs: pairs.length / 4 };
  await writeManifest(manifestUri, {
    stage: 'near-dedup/buckets',
    configHash: hash,
    inputs,
    outputs: [{ ...written, records: pairs.length / 4 }],
    details,
  });
  return { ...details, skipped: false };
}

/** Band entries of one section, from all sources, as parallel columns. */
export interface SectionEntries {
  count: number;
  high: Uint32Array;
  low: Uint32Array;
  ordinal: Uint32Array;
  documentIndex: Uint32Array;
  published: Uint8Array;
}

async function loadSection(sources: ShardSource[], band: number, partition: number): Promise<SectionEntries> {
  const parts: { source: ShardSource; words: Uint32Array }[] = [];
  let count = 0;
  for (const source of sources) {
    const words = await readBucketSection(shardWorkPaths(source.folderUri, source.shardIndex).buckets, band, partition);
    parts.push({ source, words });
    count += words.length / 3;
    if (source.ordinal % 100 === 99) heartbeatProgress({ shardsRead: source.ordinal + 1 });
  }
  const section: SectionEntries = {
    count,
    high: new Uint32Array(count),
    low: new Uint32Array(count),
    ordinal: new Uint32Array(count),
    documentIndex: new Uint32Array(count),
    published: new Uint8Array(count),
  };
  let position = 0;
  for (const { source, words } of parts) {
    for (let i = 0; i < words.length; i += 3) {
      section.high[position] = words[i]!;
      section.low[position] = words[i + 1]!;
      section.documentIndex[position] = words[i + 2]!;
      section.ordinal[position] = source.ordinal;
      section.published[position] = source.published ? 1 : 0;
      position += 1;
    }
  }
  return section;
}

/**
 * Groups entries by band hash and links each bucket's documents to the bucket's anchor (a
 * published document when there is one, otherwise the earliest). Buckets with only published
 * documents are skipped: those were deduplicated when they were published. Returns flat
 * [ordinalA, documentA, ordinalB, documentB] quadruples.
 */
export function candidatePairs(entries: SectionEntries): { pairs: Uint32Array; sharedBuckets: number } {
  const order = new Uint32Array(entries.count);
  for (let i = 0; i < entries.count; i += 1) order[i] = i;
  order.sort(
    (a, b) =>
      entries.high[a]! - entries.high[b]! ||
      entries.low[a]! - entries.low[b]! ||
      entries.ordinal[a]! - entries.ordinal[b]! ||
      entries.documentIndex[a]! - entries.documentIndex[b]!,
  );

  const pairs: number[] = [];
  let sharedBuckets = 0;
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    const first = order[start]!;
    while (end < order.length && entries.high[order[end]!] === entries.high[first] && entries.low[order[end]!] === entries.low[first]) end += 1;
    if (end - start >= 2) {
      const members = Array.from(order.subarray(start, end));
      if (members.some((member) => entries.published[member] === 0)) {
        sharedBuckets += 1;
        const anchor = members.find((member) => entries.published[member] === 1) ?? members[0]!;
        for (const member of members) {
          if (member === anchor || entries.published[member] === 1) continue;
          pairs.push(entries.ordinal[anchor]!, entries.documentIndex[anchor]!, entries.ordinal[member]!, entries.documentIndex[member]!);
        }
      }
    }
    start = end;
  }
  return { pairs: Uint32Array.from(pairs), sharedBuckets };
}
