// Deterministic locations of the near-duplicate stage's outputs and work files, so a retry or a
// second run finds the same files.
import { shardName } from '../shards/paths';
import { joinUri } from '../storage';

export function signatureFolder(outputUri: string): string {
  return joinUri(outputUri, 'work', 'signatures');
}

export function edgesUri(outputUri: string, band: number, partition: number): string {
  const name = `band-${String(band).padStart(2, '0')}-part-${String(partition).padStart(4, '0')}`;
  return joinUri(outputUri, 'work', 'buckets', `${name}.pairs`);
}

export function bucketManifestUri(outputUri: string, band: number, partition: number): string {
  return edgesUri(outputUri, band, partition).replace(/\.pairs$/, '.manifest.json');
}

export function clusterFolder(outputUri: string): string {
  return joinUri(outputUri, 'work', 'clusters');
}

/** Removals chosen for one shard: absent when the shard has none. */
export function removalListUri(outputUri: string, shardIndex: number): string {
  return joinUri(clusterFolder(outputUri), `${shardName(shardIndex)}.removals.json`);
}

export function stageOutputPaths(outputUri: string, shardIndex: number) {
  const name = shardName(shardIndex);
  return {
    documents: joinUri(outputUri, `${name}.jsonl.gz`),
    rejected: joinUri(outputUri, 'rejected', `${name}.jsonl.gz`),
    manifest: joinUri(outputUri, `${name}.manifest.json`),
  };
}

export function indexFileUri(indexUri: string): string {
  return joinUri(indexUri, 'index.json');
}

export function indexSegmentUri(indexUri: string, segmentName: string): string {
  return joinUri(indexUri, 'segments', segmentName);
}
