// The `extractShard` activity: reads one shard's input files, extracts the main text of every
// page in worker threads, and writes the document shard, its rejected/ records and its
// manifest. Each finished input file is checkpointed as a part, so a retry after a crash
// resumes at the first unfinished file; parts are gzip members, so joining them gives the
// same bytes as an uninterrupted run.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { Context } from '@temporalio/activity';
import { z } from 'zod';
import { ExtractOptions } from '../../schemas/pipeline';
import { ShardManifest, type FileDigest } from '../../schemas/manifest';
import { StageStats, addStats, emptyStats } from '../../schemas/stats';
import type { Document, RejectedRecord } from '../../schemas/document';
import fs from 'node:fs/promises';
import path from 'node:path';
import { storageFor, joinUri, localPath, schemeOf } from '../storage';
import { JsonlShardWriter } from '../shards/jsonl-writer';
import { shardName, stageShardPaths } from '../shards/paths';
import { codeVersion } from '../manifest/code-version';
import { inputsUnchanged, readManifest, writeManifest } from '../manifest/store';
import { sha256OfUri } from '../manifest/hash';
import { loadShardPlan } from '../plan/plan-shards';
import { readInputFile, type InputRecord } from '../read';
import { extractInPool, cpuThreads } from './page-pool';

export const STAGE = 'extract';

export const ExtractShardInput = z.object({
  planPrefix: z.string(),
  inputRoot: z.string().describe('Input folder or prefix; document ids are derived from paths relative to it'),
  shardIndex: z.number().int().nonnegative(),
  outputUri: z.string(),
  configHash: z.string(),
  options: ExtractOptions,
});
export type ExtractShardInput = z.input<typeof ExtractShardInput>;

export const ShardResult = z.object({
  stage: z.string(),
  shardIndex: z.number().int().nonnegative(),
  manifestHit: z.boolean(),
  manifestUri: z.string(),
  documentsUri: z.string(),
  stats: StageStats,
  counters: z.record(z.string(), z.unknown()).optional().describe('Stage-specific counts the workflow sums, such as documents per language'),
});
export type ShardResult = z.infer<typeof ShardResult>;

const PartSummary = z.object({ input: z.object({ uri: z.string(), bytes: z.number(), sha256: z.string() }), stats: StageStats });
type PartSummary = z.infer<typeof PartSummary>;

export async function extractShard(rawInput: ExtractShardInput): Promise<ShardResult> {
  const params = ExtractShardInput.parse(rawInput);
  const context = Context.current();
  const paths = stageShardPaths(params.outputUri, STAGE, params.shardIndex);
  const plan = await loadShardPlan(params.planPrefix, params.shardIndex);

  const existing = await readManifest(paths.manifest, ShardManifest);
  if (existing && existing.configHash === params.configHash && (await inputsUnchanged(existing.inputs, plan.files))) {
    context.log.info('Shard manifest matches; skipping extraction', { shard: params.shardIndex, manifest: paths.manifest });
    return { stage: STAGE, shardIndex: params.shardIndex, manifestHit: true, manifestUri: paths.manifest, documentsUri: paths.documents, stats: existing.stats };
  }

  const partsPrefix = joinUri(params.outputUri, STAGE, '_parts', shardName(params.shardIndex), params.configHash);
  const parts: PartSummary[] = [];
  for (const [fileIndex, file] of plan.files.entries()) {
    const part = partPaths(partsPrefix, fileIndex);
    const done = await readManifest(part.summary, PartSummary);
    if (done && done.input.uri === file.uri && done.input.bytes === file.size) {
      parts.push(done);
      continue;
    }
    context.heartbeat({ shard: params.shardIndex, file: file.uri, filesDone: fileIndex, filesTotal: plan.files.length });
    parts.push(await extractFile(file, fileIndex, part, params));
  }

  const documents = await joinParts(paths.documents, plan.files.map((_, index) => partPaths(partsPrefix, index).documents));
  const rejected = await joinParts(paths.rejected, plan.files.map((_, index) => partPaths(partsPrefix, index).rejected));
  const stats = parts.reduce((sum, part) => addStats(sum, part.stats), emptyStats());

  const manifest: ShardManifest = {
    kind: 'shard',
    stage: STAGE,
    shardIndex: params.shardIndex,
    configHash: params.configHash,
    codeVersion: codeVersion(),
    inputs: parts.map((part) => part.input satisfies FileDigest),
    outputs: { documents: { ...documents, records: stats.kept }, rejected: { ...rejected, records: stats.dropped } },
    stats,
    llmUsage: { requests: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 },
    createdAt: new Date().toISOString(),
  };
  await writeManifest(paths.manifest, manifest);
  await removeParts(partsPrefix, plan.files.length);

  context.log.info('Shard extracted', { shard: params.shardIndex, kept: stats.kept, dropped: stats.dropped });
  return { stage: STAGE, shardIndex: params.shardIndex, manifestHit: false, manifestUri: paths.manifest, documentsUri: paths.documents, stats };
}

function partPaths(prefix: string, fileIndex: number) {
  const name = `file-${String(fileIndex).padStart(5, '0')}`;
  return {
    documents: joinUri(prefix, `${name}.documents.jsonl.gz`),
    rejected: joinUri(prefix, `${name}.rejected.jsonl.gz`),
    summary: joinUri(prefix, `${name}.summary.json`),
  };
}

type Outcome =
  | { kind: 'document'; document: Document }
  | { kind: 'rejected'; record: RejectedRecord }
  | { kind: 'skipped'; reason: string };

async function extractFile(
  file: { uri: string; size: number; format: 'html' | 'warc' | 'jsonl' },
  fileIndex: number,
  part: ReturnType<typeof partPaths>,
  params: z.infer<typeof ExtractShardInput>,
): Promise<PartSummary> {
  const context = Context.current();
  const stats = emptyStats();
  const documents = await JsonlShardWriter.open(part.documents);
  const rejected = await JsonlShardWriter.open(part.rejected);
  const readerOptions = { maxRecordBytes: params.options.maxRecordBytes, textField: params.options.textField, idField: params.options.idField };

  // Pages are extracted concurrently but written in input order, so output bytes are stable.
  const inFlight: Array<Promise<Outcome>> = [];
  const maxInFlight = cpuThreads() * 2;
  const emit = async (outcome: Outcome) => {
    if (outcome.kind === 'skipped') {
      stats.skippedByReason[outcome.reason] = (stats.skippedByReason[outcome.reason] ?? 0) + 1;
      return;
    }
    stats.total += 1;
    if (outcome.kind === 'document') {
      stats.kept += 1;
      await documents.write(outcome.document);
    } else {
      stats.dropped += 1;
      const reason = outcome.record.reason;
      if ((stats.droppedByReason[reason] ?? 0) === 0) {
        context.log.warn('Rejected a record', { reason, detail: outcome.record.detail });
      }
      stats.droppedByReason[reason] = (stats.droppedByReason[reason] ?? 0) + 1;
      await rejected.write(outcome.record);
    }
  };

  for await (const record of readInputFile(file, readerOptions)) {
    context.cancellationSignal.throwIfAborted();
    inFlight.push(processRecord(record, params));
    if (inFlight.length >= maxInFlight) await emit(await inFlight.shift()!);
    context.heartbeat({ shard: params.shardIndex, file: file.uri, fileIndex, recordsRead: record.recordIndex + 1 });
  }
  while (inFlight.length > 0) await emit(await inFlight.shift()!);

  await documents.close();
  await rejected.close();
  const digest = await sha256OfUri(file.uri).catch(() => ({ sha256: 'unreadable', bytes: file.size }));
  const summary: PartSummary = { input: { uri: file.uri, bytes: file.size, sha256: digest.sha256 }, stats };
  const storage = await storageFor(part.summary);
  await storage.write(part.summary, JSON.stringify(summary));
  return summary;
}

function documentId(inputRoot: string, record: InputRecord): string {
  const relative = record.inputUri.startsWith(inputRoot) ? record.inputUri.slice(inputRoot.length) : record.inputUri;
  return createHash('sha256').update(`${relative}#${record.recordIndex}`).digest('hex').slice(0, 24);
}

const MAX_RAW_KEPT = 64 * 1024;

async function processRecord(record: InputRecord, params: z.infer<typeof ExtractShardInput>): Promise<Outcome> {
  if (record.kind === 'skipped') return { kind: 'skipped', reason: record.reason };
  const id = documentId(params.inputRoot, record);
  const origin = { id, stage: STAGE, inputUri: record.inputUri, recordIndex: record.recordIndex, byteOffset: record.byteOffset };

  if (record.kind === 'rejected') {
    const rawBase64 = record.rawBytes ? Buffer.from(record.rawBytes).toString('base64') : undefined;
    return { kind: 'rejected', record: { ...origin, reason: record.reason, detail: record.detail, byteLength: record.byteLength, raw: record.raw, rawBase64 } };
  }

  if (record.kind === 'text') {
    const text = record.text.trim();
    if (text.length < params.options.minTextChars) {
      return {
        kind: 'rejected',
        record: { ...origin, reason: 'empty_extraction', detail: `${record.inputUri} record ${record.recordIndex} has ${text.length} characters of text, fewer than minTextChars=${params.options.minTextChars}`, raw: record.text.length <= MAX_RAW_KEPT ? record.text : undefined },
      };
    }
    const metadata = { ...(record.extra ?? {}), url: record.url, inputUri: record.inputUri, recordIndex: record.recordIndex, sourceId: record.sourceId };
    return { kind: 'document', document: { id, text: record.text, source: params.options.source, metadata } };
  }

  const result = await extractInPool(
    { bytes: record.bytes, contentType: record.contentType, url: record.url, minTextChars: params.options.minTextChars },
    params.options.pageTimeoutSeconds * 1000,
  );
  if (!result.ok) {
    const small = record.bytes.length <= MAX_RAW_KEPT;
    return {
      kind: 'rejected',
      record: {
        ...origin,
        reason: result.reason,
        detail: `${record.inputUri} record ${record.recordIndex}${record.url ? ` (${record.url})` : ''}: ${result.detail}`,
        byteLength: record.bytes.length,
        rawBase64: small ? Buffer.from(record.bytes).toString('base64') : undefined,
      },
    };
  }
  const metadata = {
    url: record.url,
    title: result.title,
    inputUri: record.inputUri,
    recordIndex: record.recordIndex,
    warcRecordId: record.warcRecordId,
    encoding: result.encoding,
    legacyEncoding: result.legacyEncoding || undefined,
    structure: result.structure,
  };
  return { kind: 'document', document: { id, text: result.text, source: params.options.source, metadata } };
}

/** Concatenates gzip parts into one object; a gzip file may hold several members. */
async function joinParts(target: string, partUris: string[]) {
  const storage = await storageFor(target);
  async function* chunks() {
    for (const uri of partUris) {
      const partStorage = await storageFor(uri);
      yield* await partStorage.openRead(uri);
    }
  }
  return storage.write(target, Readable.from(chunks()));
}

async function removeParts(prefix: string, fileCount: number): Promise<void> {
  const storage = await storageFor(prefix);
  for (let index = 0; index < fileCount; index += 1) {
    const part = partPaths(prefix, index);
    await Promise.all([storage.delete(part.documents), storage.delete(part.rejected), storage.delete(part.summary)]);
  }
  // A local folder also keeps the now empty directories; S3 has no directories to remove.
  if (schemeOf(prefix) === 'file') {
    const shardFolder = path.dirname(localPath(prefix));
    await fs.rm(shardFolder, { recursive: true, force: true });
    // Other shards may still be writing parts; the folder goes once the last one is done.
    await fs.rmdir(path.dirname(shardFolder)).catch(() => undefined);
  }
}
