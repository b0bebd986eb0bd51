// Phase 4 of decontamination: rewrite one shard without the documents that share a benchmark
// n-gram that is neither a template phrase nor common text. Each removed document goes to
// rejected/ with reason `benchmark_ngram_match` and to the audit report with every match:
// benchmark, item id, the n-gram and the document id.
import { RemoveContaminatedInput, RemoveContaminatedOutput } from '../../schemas/decontaminate';
import type { HitCounts } from '../../schemas/decontaminate';
import type { RejectedRecord } from '../../schemas/document';
import { emptyStats } from '../../schemas/stats';
import { heartbeatProgress } from '../near-dedup/heartbeat';
import { parseShardDocument } from '../near-dedup/documents';
import { configHash, describeFile, findMatchingManifest, writeManifest } from '../near-dedup/manifest';
import { readJsonlLines } from '../shards/jsonl-reader';
import { JsonlShardWriter } from '../shards/jsonl-writer';
import { storageFor } from '../storage';
import { indexConfig, loadBenchmarkIndex } from './build-index';
import type { CommonNgrams } from './common-ngrams';
import { decontaminationOutputPaths, scanPaths } from './layout';
import type { ShardMatches } from './scan-shard';

const MAX_RAW_CHARACTERS = 64 * 1024;

interface ReportedMatch {
  benchmark: string;
  itemId: string;
  ngram: string;
}

export async function removeContaminatedDocuments(rawInput: RemoveContaminatedInput): Promise<RemoveContaminatedOutput> {
  const input = RemoveContaminatedInput.parse(rawInput);
  const { options } = input;
  const paths = decontaminationOutputPaths(input.outputUri, input.shardIndex);
  const matchesUri = scanPaths(input.outputUri, input.shardIndex).matches;
  const hash = configHash({ ...indexConfig(options), commonDocumentCount: options.commonDocumentCount, commonDocumentFraction: options.commonDocumentFraction });
  const inputs = [await describeFile(input.shardUri), await describeFile(matchesUri), await describeFile(input.commonUri)];
  const existing = await findMatchingManifest(paths.manifest, inputs, hash);
  if (existing?.stats) {
    return { ...outputUris(paths, input.shardIndex), stats: existing.stats, hits: (existing.details.hits ?? {}) as HitCounts, skipped: true };
  }

  const { items } = await loadBenchmarkIndex(input.indexUri, configHash(indexConfig(options)));
  const common = new Set((JSON.parse((await (await storageFor(input.commonUri)).readBytes(input.commonUri)).toString('utf8')) as CommonNgrams).keys);
  const scan = JSON.parse((await (await storageFor(matchesUri)).readBytes(matchesUri)).toString('utf8')) as ShardMatches;
  const contaminated = new Map<number, ReportedMatch[]>();
  for (const document of scan.matched) {
    const reported = document.matches
      .filter((match) => !common.has(match.key))
      .flatMap((match) => match.items.map((item) => ({ benchmark: items[item]!.benchmark, itemId: items[item]!.id, ngram: match.ngram })));
    if (reported.length > 0) contaminated.set(document.documentIndex, reported);
  }

  const stats = emptyStats();
  const hits: HitCounts = {};
  const documents = await JsonlShardWriter.open(paths.documents);
  const rejected = await JsonlShardWriter.open(paths.rejected);
  const report = await JsonlShardWriter.open(paths.report);
  let recordIndex = 0;
  for await (const line of readJsonlLines(input.shardUri)) {
    const document = parseShardDocument(JSON.parse(line.text), input.shardUri, recordIndex);
    const matches = contaminated.get(recordIndex);
    stats.total += 1;
    if (!matches) {
      stats.kept += 1;
      await documents.write(document);
    } else {
      stats.dropped += 1;
      stats.droppedByReason.benchmark_ngram_match = (stats.droppedByReason.benchmark_ngram_match ?? 0) + 1;
      for (const benchmark of new Set(matches.map((match) => match.benchmark))) {
        const bySource = (hits[benchmark] ??= {});
        bySource[document.source] = (bySource[document.source] ?? 0) + 1;
      }
      const listed = matches.slice(0, options.maxMatchesPerDocument);
      const first = matches[0]!;
      const sourceId = document.metadata.sourceId;
      const origin = typeof sourceId === 'string' ? ` (id ${sourceId} in ${document.metadata.inputUri})` : '';
      const more = matches.length > 1 ? ` and ${matches.length - 1} more matches` : '';
      const record: RejectedRecord = {
        id: document.id,
        stage: 'decontaminate',
        reason: 'benchmark_ngram_match',
        detail: `Document ${document.id}${origin} shares "${first.ngram}" with ${first.benchmark} item ${first.itemId}${more}`,
        inputUri: input.shardUri,
        recordIndex,
        byteOffset: line.byteOffset,
        byteLength: Buffer.byteLength(line.text),
        raw: line.text.length <= MAX_RAW_CHARACTERS ? line.text : undefined,
        measurements: { matches: listed, matchCount: matches.length },
      };
      await rejected.write(record);
      // sourceId and sourceUri lead back to the record in the user's own input.
      await report.write({
        documentId: document.id,
        sourceId: document.metadata.sourceId,
        sourceUri: document.metadata.inputUri,
        source: document.source,
        inputUri: input.shardUri,
        recordIndex,
        matchCount: matches.length,
        matches: listed,
      });
    }
    recordIndex += 1;
    if (recordIndex % 1000 === 0) heartbeatProgress({ documents: recordIndex });
  }
  const outputs = [await documents.close(), await rejected.close(), await report.close()];

  await writeManifest(paths.manifest, {
    stage: 'decontaminate',
    configHash: hash,
    inputs,
    outputs,
    stats,
    details: { hits, benchmarks: options.benchmarks.map((set) => set.name) },
  });
  return { ...outputUris(paths, input.shardIndex), stats, hits, skipped: false };
}

function outputUris(paths: ReturnType<typeof decontaminationOutputPaths>, shardIndex: number) {
  return { shardIndex, shardUri: paths.documents, rejectedUri: paths.rejected, reportUri: paths.report };
}
