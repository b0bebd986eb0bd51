// Phase 2 of decontamination: find, for each document of one shard, every benchmark n-gram it
// contains. Only documents with matches are written, so the file stays small.
import { ScanShardInput, ScanShardOutput } from '../../schemas/decontaminate';
import { heartbeatProgress } from '../near-dedup/heartbeat';
import { parseShardDocument } from '../near-dedup/documents';
import { configHash, describeFile, findMatchingManifest, writeManifest } from '../near-dedup/manifest';
import { readJsonlRecords } from '../shards/jsonl-reader';
import { storageFor } from '../storage';
import { indexConfig, loadBenchmarkIndex } from './build-index';
import { scanPaths } from './layout';
import { findMatches } from './ngram-index';

/** One shard's scan result, read by the common-n-gram and removal phases. */
export interface ShardMatches {
  documents: number;
  matched: {
    documentIndex: number;
    id: string;
    source: string;
    matches: { key: number; ngram: string; items: number[] }[];
  }[];
}

export async function scanShardForBenchmarkNgrams(rawInput: ScanShardInput): Promise<ScanShardOutput> {
  const input = ScanShardInput.parse(rawInput);
  const paths = scanPaths(input.outputUri, input.shardIndex);
  const hash = configHash(indexConfig(input.options));
  const inputs = [await describeFile(input.shardUri), await describeFile(input.indexUri)];
  const existing = await findMatchingManifest(paths.manifest, inputs, hash);
  if (existing) return { ...(existing.details as Omit<ScanShardOutput, 'skipped'>), skipped: true };

  const { index } = await loadBenchmarkIndex(input.indexUri, hash);
  const result: ShardMatches = { documents: 0, matched: [] };
  for await (const record of readJsonlRecords<unknown>(input.shardUri)) {
    const documentIndex = result.documents;
    const document = parseShardDocument(record, input.shardUri, documentIndex);
    const matches = findMatches(index, document.text);
    if (matches.length > 0) {
      result.matched.push({
        documentIndex,
        id: document.id,
        source: document.source,
        matches: matches.map(({ key, ngram, items }) => ({ key, ngram, items })),
      });
    }
    result.documents += 1;
    if (result.documents % 1000 === 0) heartbeatProgress({ documents: result.documents });
  }

  const written = await (await storageFor(paths.matches)).write(paths.matches, JSON.stringify(result));
  const details = { shardIndex: input.shardIndex, documents: result.documents, documentsWithMatches: result.matched.length };
  await writeManifest(paths.manifest, {
    stage: 'decontaminate/scan',
    configHash: hash,
    inputs,
    outputs: [{ ...written, records: result.matched.length }],
    details,
  });
  return { ...details, skipped: false };
}
