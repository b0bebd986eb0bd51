// Deterministic, zero-padded output locations, so a retry or a second run finds the same files.
import { joinUri } from '../storage/uri';

export function shardName(index: number): string {
  return `shard-${String(index).padStart(5, '0')}`;
}

export interface StageShardPaths {
  documents: string;
  rejected: string;
  manifest: string;
}

/** Where one stage writes one shard under the run's output URI. */
export function stageShardPaths(outputUri: string, stage: string, shardIndex: number): StageShardPaths {
  const name = shardName(shardIndex);
  return {
    documents: joinUri(outputUri, stage, `${name}.jsonl.gz`),
    rejected: joinUri(outputUri, stage, 'rejected', `${name}.jsonl.gz`),
    manifest: joinUri(outputUri, stage, `${name}.manifest.json`),
  };
}
