// Phase 3 of MinHash deduplication: candidate pairs from every (band, partition) become
// clusters. Only documents that appear in some pair are loaded, with their signatures, so the
// memory used grows with the number of candidate duplicates, not with the corpus.
import { BuildDuplicateClustersInput, BuildDuplicateClustersOutput, nearDedupConfig } from '../../schemas/near-dedup';
import { JsonlShardWriter } from '../shards/jsonl-writer';
import { joinUri, storageFor } from '../storage';
import type { WriteResult } from '../storage';
import { buildClusters } from './clusters';
import type { ClusterNode, ClusterResult } from './clusters';
import { decodeSignatures, shardWorkPaths, signatureAt } from './files';
import { heartbeatProgress } from './heartbeat';
import { shardSources } from './index-store';
import type { ShardSource } from './index-store';
import { bucketManifestUri, clusterFolder, edgesUri, removalListUri } from './layout';
import { configHash, describeFile, findMatchingManifest, writeManifest } from './manifest';

const KEY_LIMIT = 2 ** 26;

/** One shard's removal list, written by the cluster phase and read by the removal phase. */
export interface RemovalList {
  removals: { documentIndex: number; id: string; clusterId: string; keptId: string; similarity: number }[];
  /** Documents of this shard kept in place of others, to be tagged with their cluster id. */
  keepers: { documentIndex: number; clusterId: string }[];
}

export async function buildDuplicateClusters(rawInput: BuildDuplicateClustersInput): Promise<BuildDuplicateClustersOutput> {
  const input = BuildDuplicateClustersInput.parse(rawInput);
  const { options } = input;
  const hash = configHash({ ...nearDedupConfig(options), indexSegments: input.indexSegments });
  const manifestUri = joinUri(clusterFolder(input.outputUri), 'clusters.manifest.json');
  const clustersUri = joinUri(clusterFolder(input.outputUri), 'clusters.jsonl.gz');
  const bucketManifests: string[] = [];
  for (let band = 0; band < options.bands; band += 1) {
    for (let partition = 0; partition < options.partitions; partition += 1) bucketManifests.push(bucketManifestUri(input.outputUri, band, partition));
  }
  const inputs = await Promise.all(bucketManifests.map((uri) => describeFile(uri)));
  const existing = await findMatchingManifest(manifestUri, inputs, hash);
  if (existing) return { ...(existing.details as Omit<BuildDuplicateClustersOutput, 'skipped'>), skipped: true };

  const { nodeKeys, pairs, candidatePairs } = await readCandidatePairs(input.outputUri, options.bands, options.partitions);
  const sources = await shardSources(input.outputUri, input.shardCount, input.indexUri, input.indexSegments, options);
  const nodes = await loadNodes(nodeKeys, sources);
  const result = buildClusters(nodes, pairs, options.similarityThreshold);

  const outputs = await writeRemovalLists(input.outputUri, sources, result);
  const writer = await JsonlShardWriter.open(clustersUri);
  for (const cluster of result.clusters) {
    await writer.write({
      clusterId: cluster.clusterId,
      keptId: cluster.kept.id,
      keptPublished: cluster.kept.published,
      removedIds: cluster.removed.map((node) => node.id),
    });
  }
  outputs.push(await writer.close());

  const details = {
    clusters: result.clusters.length,
    duplicates: result.removals.length,
    candidatePairs,
    verifiedPairs: result.verifiedPairs,
    clustersUri,
  };
  await writeManifest(manifestUri, { stage: 'near-dedup/clusters', configHash: hash, inputs, outputs, details });
  return { ...details, skipped: false };
}

async function readCandidatePairs(outputUri: string, bands: number, partitions: number) {
  const nodeIndex = new Map<number, number>();
  const nodeKeys: { ordinal: number; documentIndex: number }[] = [];
  const seen = new Set<number>();
  const pairs: [number, number][] = [];
  let candidatePairs = 0;
  const nodeOf = (ordinal: number, documentIndex: number): number => {
    // Keys are exact in a double while ordinals, document indexes and node ids stay below 2^26.
    if (ordinal >= KEY_LIMIT || documentIndex >= KEY_LIMIT || nodeKeys.length >= KEY_LIMIT) {
      throw new Error(`Candidate pair (shard ${ordinal}, document ${documentIndex}) exceeds the cluster phase's limit of 2^26 shards, documents per shard and candidate documents`);
    }
    const key = ordinal * KEY_LIMIT + documentIndex;
    let node = nodeIndex.get(key);
    if (node === undefined) {
      node = nodeKeys.length;
      nodeIndex.set(key, node);
      nodeKeys.push({ ordinal, documentIndex });
    }
    return node;
  };

  for (let band = 0; band < bands; band += 1) {
    for (let partition = 0; partition < partitions; partition += 1) {
      const uri = edgesUri(outputUri, band, partition);
      const bytes = await (await storageFor(uri)).readBytes(uri);
      const words = new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      for (let i = 0; i < words.length; i += 4) {
        candidatePairs += 1;
        const a = nodeOf(words[i]!, words[i + 1]!);
        const b = nodeOf(words[i + 2]!, words[i + 3]!);
        const key = a < b ? a * KEY_LIMIT + b : b * KEY_LIMIT + a;
        if (seen.has(key)) continue;
        seen.add(key);
        pairs.push([a, b]);
      }
    }
    heartbeatProgress({ bandsRead: band + 1 });
  }
  return { nodeKeys, pairs, candidatePairs };
}

/** Loads ids, scores and signatures of the listed documents, one shard at a time. */
async function loadNodes(nodeKeys: { ordinal: number; documentIndex: number }[], sources: ShardSource[]): Promise<ClusterNode[]> {
  const nodes: ClusterNode[] = new Array(nodeKeys.length);
  const byOrdinal = new Map<number, number[]>();
  nodeKeys.forEach((key, node) => {
    const list = byOrdinal.get(key.ordinal);
    if (list) list.push(node);
    else byOrdinal.set(key.ordinal, [node]);
  });
  for (const [ordinal, members] of byOrdinal) {
    const source = sources[ordinal];
    if (!source) throw new Error(`Candidate pair names shard ordinal ${ordinal}, but only ${sources.length} shards take part`);
    const paths = shardWorkPaths(source.folderUri, source.shardIndex);
    const storage = await storageFor(paths.signatures);
    const table = decodeSignatures(await storage.readBytes(paths.signatures), paths.signatures);
    const documents = JSON.parse((await storage.readBytes(paths.documentTable)).toString('utf8')) as { ids: string[]; scores: (number | null)[] };
    for (const node of members) {
      const documentIndex = nodeKeys[node]!.documentIndex;
      nodes[node] = {
        id: documents.ids[documentIndex]!,
        score: documents.scores[documentIndex] ?? null,
        published: source.published,
        ordinal,
        documentIndex,
        signature: signatureAt(table, documentIndex).slice(),
      };
    }
  }
  return nodes;
}

/** Writes one removal list per shard of this run, empty lists included, so stale lists never survive a rerun. */
async function writeRemovalLists(outputUri: string, sources: ShardSource[], result: ClusterResult): Promise<WriteResult[]> {
  const byShard = new Map<number, RemovalList>();
  const listFor = (ordinal: number): RemovalList => {
    const shardIndex = sources[ordinal]!.shardIndex;
    const list = byShard.get(shardIndex) ?? { removals: [], keepers: [] };
    byShard.set(shardIndex, list);
    return list;
  };
  for (const cluster of result.clusters) {
    if (!cluster.kept.published) listFor(cluster.kept.ordinal).keepers.push({ documentIndex: cluster.kept.documentIndex, clusterId: cluster.clusterId });
  }
  for (const removal of result.removals) {
    listFor(removal.node.ordinal).removals.push({
      documentIndex: removal.node.documentIndex,
      id: removal.node.id,
      clusterId: removal.clusterId,
      keptId: removal.kept.id,
      similarity: removal.similarity,
    });
  }
  const outputs: WriteResult[] = [];
  for (const source of sources) {
    if (source.published) continue;
    const uri = removalListUri(outputUri, source.shardIndex);
    const list = byShard.get(source.shardIndex) ?? { removals: [], keepers: [] };
    list.removals.sort((a, b) => a.documentIndex - b.documentIndex);
    outputs.push(await (await storageFor(uri)).write(uri, JSON.stringify(list)));
  }
  return outputs;
}
