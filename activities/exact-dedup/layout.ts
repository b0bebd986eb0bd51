// Deterministic locations of the exact-dedup stage's outputs and work files, so a retry or a
// second run finds the same files.
import { shardName } from '../shards/paths';
import { joinUri } from '../storage';

export function hashFileUri(outputUri: string, shardIndex: number): string {
  return joinUri(outputUri, 'work', 'hashes', `${shardName(shardIndex)}.hashes.jsonl.gz`);
}

export function hashManifestUri(outputUri: string, shardIndex: number): string {
  return joinUri(outputUri, 'work', 'hashes', `${shardName(shardIndex)}.manifest.json`);
}

export function dropListUri(outputUri: string, shardIndex: number): string {
  return joinUri(outputUri, 'work', 'duplicates', `${shardName(shardIndex)}.drops.json`);
}

export function duplicatesManifestUri(outputUri: string): string {
  return joinUri(outputUri, 'work', 'duplicates', 'manifest.json');
}

export function stageOutputPaths(outputUri: string, shardIndex: number) {
  const name = shardName(shardIndex);
  return {
    documents: joinUri(outputUri, `${name}.jsonl.gz`),
    rejected: joinUri(outputUri, 'rejected', `${name}.jsonl.gz`),
    manifest: joinUri(outputUri, `${name}.manifest.json`),
  };
}
