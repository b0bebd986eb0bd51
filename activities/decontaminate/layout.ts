// Deterministic locations of the decontamination stage's outputs and work files.
import { shardName } from '../shards/paths';
import { joinUri } from '../storage';

export function benchmarkIndexUri(outputUri: string): string {
  return joinUri(outputUri, 'work', 'benchmark-index.json.gz');
}

export function benchmarkIndexManifestUri(outputUri: string): string {
  return joinUri(outputUri, 'work', 'benchmark-index.manifest.json');
}

export function scanPaths(outputUri: string, shardIndex: number) {
  const name = shardName(shardIndex);
  return {
    matches: joinUri(outputUri, 'work', 'matches', `${name}.json`),
    manifest: joinUri(outputUri, 'work', 'matches', `${name}.manifest.json`),
  };
}

export function commonNgramsUri(outputUri: string): string {
  return joinUri(outputUri, 'work', 'common-ngrams.json');
}

export function decontaminationOutputPaths(outputUri: string, shardIndex: number) {
  const name = shardName(shardIndex);
  return {
    documents: joinUri(outputUri, `${name}.jsonl.gz`),
    rejected: joinUri(outputUri, 'rejected', `${name}.jsonl.gz`),
    report: joinUri(outputUri, 'report', `${name}.jsonl.gz`),
    manifest: joinUri(outputUri, `${name}.manifest.json`),
  };
}

/** Returns the URI of the stage manifest, which records the benchmark sets the output was checked against. */
export function stageManifestUri(outputUri: string): string {
  return joinUri(outputUri, 'decontamination.manifest.json');
}
