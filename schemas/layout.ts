// Deterministic, zero-padded output locations, shared by activities and workflows (pure: no
// Node imports), so a retry or a second run finds the same files.

export function shardName(index: number): string {
  return `shard-${String(index).padStart(5, '0')}`;
}

/** Joins path segments onto a URI with exactly one `/` between them. */
export function joinUri(base: string, ...segments: string[]): string {
  let result = base.replace(/\/+$/, '');
  for (const segment of segments) {
    result += '/' + segment.replace(/^\/+/, '');
  }
  return result;
}

export interface StageShardPaths {
  documents: string;
  rejected: string;
  manifest: string;
}

/** Where one stage writes one shard: `<output>/<stage>/shard-00000.jsonl.gz` and its neighbours. */
export function stageShardPaths(outputUri: string, stage: string, shardIndex: number): StageShardPaths {
  const name = shardName(shardIndex);
  return {
    documents: joinUri(outputUri, stage, `${name}.jsonl.gz`),
    rejected: joinUri(outputUri, stage, 'rejected', `${name}.jsonl.gz`),
    manifest: joinUri(outputUri, stage, `${name}.manifest.json`),
  };
}
