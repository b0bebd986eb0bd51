// The `filterShard` activity runs the quality filter (language ID, Gopher, C4, FineWeb and
// corruption rules) over one document shard in worker threads. It writes kept documents with
// their filter metadata, and rejected ones with every failed rule and its measured value.
// The shard manifest adds counts per rule and per language.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { Piscina } from 'piscina';
import { z } from 'zod';
import { Document } from '../../schemas/document';
import { ShardManifest } from '../../schemas/manifest';
import type { ShardResult } from '../extract/activity';
import { cpuThreads, loaderArgs } from '../extract/page-pool';
import { readJsonlRecords } from '../shards/jsonl-reader';
import { JsonlShardWriter } from '../shards/jsonl-writer';
import { stageShardPaths } from '../shards/paths';
import { codeVersion } from '../manifest/code-version';
import { sha256OfUri } from '../manifest/hash';
import { inputsUnchanged, readManifest, writeManifest } from '../manifest/store';
import { storageFor } from '../storage';
import { FilterTally, keptDocument, rejectionOf } from './accounting';
import type { FilterTask } from './filter-task';
import type { FilterVerdict } from './verdict';

export const STAGE = 'filter';
/** Documents per message to a filter thread: enough to amortise the round trip, small enough to keep threads busy. */
const BATCH_DOCUMENTS = 64;

export const FilterShardInput = z.object({
  shardIndex: z.number().int().nonnegative(),
  inputUri: z.string().describe('Document shard written by the previous stage'),
  outputUri: z.string(),
  configHash: z.string(),
  options: z.unknown().describe('QualityFilterConfig input; the filter threads parse it'),
});
export type FilterShardInput = z.input<typeof FilterShardInput>;

let pool: Piscina | undefined;
function filterPool(): Piscina {
  pool ??= new Piscina({
    filename: new URL('./filter-task.ts', import.meta.url).href,
    maxThreads: cpuThreads(),
    minThreads: 1,
    idleTimeout: 60_000,
    execArgv: loaderArgs(),
  });
  return pool;
}

export async function closeFilterPool(): Promise<void> {
  const current = pool;
  pool = undefined;
  await current?.destroy();
}

export async function filterShard(rawInput: FilterShardInput): Promise<ShardResult> {
  const params = FilterShardInput.parse(rawInput);
  const context = Context.current();
  const paths = stageShardPaths(params.outputUri, STAGE, params.shardIndex);
  const storage = await storageFor(params.inputUri);
  const inputInfo = await storage.stat(params.inputUri);
  if (!inputInfo) {
    throw ApplicationFailure.nonRetryable(`Input shard not found: ${params.inputUri} (filter stage, shard ${params.shardIndex}). Rerun the previous stage.`, 'ShardNotFound');
  }

  const existing = await readManifest(paths.manifest, ShardManifest.passthrough());
  if (existing && existing.configHash === params.configHash && (await inputsUnchanged(existing.inputs, [{ uri: params.inputUri, size: inputInfo.size }]))) {
    context.log.info('Shard manifest matches; skipping the filter', { shard: params.shardIndex, manifest: paths.manifest });
    const counters = { byLanguage: (existing as { byLanguage?: unknown }).byLanguage ?? {}, failuresByRule: (existing as { failuresByRule?: unknown }).failuresByRule ?? {} };
    return { stage: STAGE, shardIndex: params.shardIndex, manifestHit: true, manifestUri: paths.manifest, documentsUri: paths.documents, stats: existing.stats, counters };
  }

  const tally = new FilterTally();
  const kept = await JsonlShardWriter.open(paths.documents);
  const rejected = await JsonlShardWriter.open(paths.rejected);
  const loggedReasons = new Set<string>();

  // Batches are filtered in parallel threads but written in input order, so output bytes are stable.
  const inFlight: Array<Promise<{ documents: Document[]; verdicts: FilterVerdict[] }>> = [];
  const write = async ({ documents, verdicts }: { documents: Document[]; verdicts: FilterVerdict[] }) => {
    for (const [index, verdict] of verdicts.entries()) {
      const document = documents[index]!;
      tally.add(verdict);
      if (verdict.keep) {
        await kept.write(keptDocument(document, verdict));
        continue;
      }
      const rejection = rejectionOf(verdict);
      if (!loggedReasons.has(rejection.reason)) {
        loggedReasons.add(rejection.reason);
        // Dropping is the filter's job, not a fault: one example per reason, at debug level.
        context.log.debug('Filter dropped a document (first of its reason in this shard)', { shard: params.shardIndex, id: document.id, reason: rejection.reason });
      }
      await rejected.write({ id: document.id, stage: STAGE, inputUri: params.inputUri, ...rejection, raw: document.text.length <= 64 * 1024 ? document.text : undefined, document });
    }
  };
  const submit = (documents: Document[]) => {
    const task: FilterTask = { config: params.options, documents };
    inFlight.push(filterPool().run(task).then((verdicts: FilterVerdict[]) => ({ documents, verdicts })));
  };

  let batch: Document[] = [];
  let read = 0;
  for await (const record of readJsonlRecords(params.inputUri)) {
    const parsed = Document.safeParse(record);
    if (!parsed.success) {
      throw ApplicationFailure.nonRetryable(`Invalid document at position ${read} of ${params.inputUri}: ${parsed.error.issues[0]?.message}`, 'InvalidDocument');
    }
    batch.push(parsed.data);
    read += 1;
    if (batch.length >= BATCH_DOCUMENTS) {
      submit(batch);
      batch = [];
    }
    if (inFlight.length >= cpuThreads() * 2) await write(await inFlight.shift()!);
    context.heartbeat({ shard: params.shardIndex, documentsRead: read });
  }
  if (batch.length > 0) submit(batch);
  while (inFlight.length > 0) await write(await inFlight.shift()!);

  const keptFile = await kept.close();
  const rejectedFile = await rejected.close();
  const input = await sha256OfUri(params.inputUri);
  const manifest: ShardManifest & { byLanguage: unknown; failuresByRule: unknown } = {
    kind: 'shard',
    stage: STAGE,
    shardIndex: params.shardIndex,
    configHash: params.configHash,
    codeVersion: codeVersion(),
    inputs: [{ uri: params.inputUri, bytes: input.bytes, sha256: input.sha256 }],
    outputs: { documents: { ...keptFile, records: tally.stats.kept }, rejected: { ...rejectedFile, records: tally.stats.dropped } },
    stats: tally.stats,
    llmUsage: { requests: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 },
    byLanguage: tally.byLanguage,
    failuresByRule: tally.failuresByRule,
    createdAt: new Date().toISOString(),
  };
  await writeManifest(paths.manifest, manifest);
  context.log.info('Shard filtered', { shard: params.shardIndex, kept: tally.stats.kept, dropped: tally.stats.dropped });
  const counters = { byLanguage: tally.byLanguage, failuresByRule: tally.failuresByRule };
  return { stage: STAGE, shardIndex: params.shardIndex, manifestHit: false, manifestUri: paths.manifest, documentsUri: paths.documents, stats: tally.stats, counters };
}
