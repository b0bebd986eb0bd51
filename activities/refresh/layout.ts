// Where a published dataset keeps its files. Every version lives in its own folder and is never
// rewritten once `latest.json` points at it or past it:
//   <output>/latest.json                         the last published version (written last)
//   <output>/versions/v0001/manifest.json        exists if and only if the version is complete
//   <output>/versions/v0001/documents/shard-00000.jsonl.gz
//   <output>/versions/v0001/rejected/shard-00000.jsonl.gz
//   <output>/versions/v0001/exact-hashes.jsonl.gz normalised-text hashes of the kept documents
//   <output>/versions/v0001/watermark.jsonl.gz   every input file processed up to this version
//   <output>/_refresh/v0001/…                    work area of the run that builds the version
import { joinUri } from '../storage';
import { shardName } from '../shards/paths';

export function versionName(version: number): string {
  return `v${String(version).padStart(4, '0')}`;
}

export function latestUri(output: string): string {
  return joinUri(output, 'latest.json');
}

export function versionPaths(output: string, version: number) {
  const folder = joinUri(output, 'versions', versionName(version));
  const work = joinUri(output, '_refresh', versionName(version));
  return {
    folder,
    manifest: joinUri(folder, 'manifest.json'),
    watermark: joinUri(folder, 'watermark.jsonl.gz'),
    exactHashes: joinUri(folder, 'exact-hashes.jsonl.gz'),
    documents: (shardIndex: number) => joinUri(folder, 'documents', `${shardName(shardIndex)}.jsonl.gz`),
    rejected: (shardIndex: number) => joinUri(folder, 'rejected', `${shardName(shardIndex)}.jsonl.gz`),
    stagedInput: joinUri(work, 'input'),
    pipelineOutput: joinUri(work, 'pipeline'),
    selection: joinUri(work, 'selection.jsonl.gz'),
  };
}
