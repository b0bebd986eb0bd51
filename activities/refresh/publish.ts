// The last two phases of a nightly refresh. `dedupAgainstPublished` drops new documents whose
// normalised text a published version already has, or that repeat within the new batch, and
// writes the version's document shards. `publishVersion` then writes the watermark, the version
// manifest and, last, the `latest` pointer, so a reader sees a version only when it is complete.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Document, RejectedRecord } from '../../schemas/document';
import { z } from 'zod';
import { DecontaminationRecord } from '../../schemas/dataset';
import { DedupAgainstPublishedInput, PublishVersionInput, WatermarkEntry } from '../../schemas/refresh';
import type { DedupAgainstPublishedOutput, LatestPointer, PublishVersionOutput, VersionManifest } from '../../schemas/refresh';
import { emptyStats } from '../../schemas/stats';
import { exactDedupHash } from '../exact-dedup/normalize';
import { codeVersion } from '../manifest/code-version';
import { sha256OfUri } from '../manifest/hash';
import { readManifest, writeManifest } from '../manifest/store';
import { readJsonlRecords } from '../shards/jsonl-reader';
import { JsonlShardWriter } from '../shards/jsonl-writer';
import { normalizeUri, storageFor } from '../storage';
import { latestUri, versionPaths } from './layout';
import { readLatest, readVersionManifest, readWatermark } from './watermark';

export const DEDUP_STAGE = 'refresh-dedup';
const HEARTBEAT_EVERY_DOCUMENTS = 1000;

/**
 * The part of a run manifest (schemas/manifest.ts) the refresh reads: the document shards of
 * the run's last stage. Older run manifests have no `finalShards` and list them per stage.
 */
const RunManifestShards = z.object({
  finalShards: z.array(z.string()).optional(),
  decontamination: DecontaminationRecord.optional(),
  stages: z.array(z.object({ shards: z.array(z.object({ documents: z.object({ uri: z.string() }).partial().optional() })) })),
});

async function finalShardUris(runManifestUri: string): Promise<string[]> {
  const runManifest = await readManifest(runManifestUri, RunManifestShards);
  if (!runManifest) throw ApplicationFailure.nonRetryable(`Run manifest missing or invalid: ${runManifestUri}`, 'RunManifestMissing');
  if (runManifest.finalShards) return runManifest.finalShards;
  const lastStage = runManifest.stages.at(-1);
  if (!lastStage) throw ApplicationFailure.nonRetryable(`Run manifest ${runManifestUri} lists no stage`, 'RunManifestMissing');
  return lastStage.shards.map((shard, index) => {
    if (!shard.documents?.uri) throw ApplicationFailure.nonRetryable(`Run manifest ${runManifestUri} has no documents for shard ${index} of its last stage`, 'RunManifestMissing');
    return shard.documents.uri;
  });
}

/** Loads the exact-dedup hashes of versions 1 to `before - 1`, each mapped to the version that has it. */
async function loadPublishedHashes(output: string, before: number): Promise<Map<string, number>> {
  const hashes = new Map<string, number>();
  for (let version = 1; version < before; version += 1) {
    const manifest = await readVersionManifest(output, version);
    for await (const hash of readJsonlRecords<string>(manifest.outputs.exactHashes.uri)) {
      if (!hashes.has(hash)) hashes.set(hash, version);
    }
    Context.current().heartbeat({ phase: 'load published hashes', version, hashes: hashes.size });
  }
  return hashes;
}

export async function dedupAgainstPublished(rawInput: DedupAgainstPublishedInput): Promise<DedupAgainstPublishedOutput> {
  const params = DedupAgainstPublishedInput.parse(rawInput);
  const context = Context.current();
  const output = normalizeUri(params.output);
  const paths = versionPaths(output, params.version);
  const shardUris = await finalShardUris(params.runManifestUri);

  // NOTE: every published hash is held in memory, an estimated 100 bytes each. A corpus of tens
  // of millions of documents needs a sorted on-disk index instead.
  const published = await loadPublishedHashes(output, params.version);
  const keptHashes = new Map<string, string>();
  const stats = emptyStats();
  const documents: DedupAgainstPublishedOutput['documents'] = [];
  const rejected: DedupAgainstPublishedOutput['rejected'] = [];

  for (const [shardIndex, shardUri] of shardUris.entries()) {
    const kept = await JsonlShardWriter.open(paths.documents(shardIndex));
    const dropped = await JsonlShardWriter.open(paths.rejected(shardIndex));
    for await (const document of readJsonlRecords<Document>(shardUri)) {
      stats.total += 1;
      const reason = duplicateReason(document, published, keptHashes);
      if (reason) {
        stats.dropped += 1;
        stats.droppedByReason[reason.reason] = (stats.droppedByReason[reason.reason] ?? 0) + 1;
        await dropped.write(reason);
      } else {
        stats.kept += 1;
        await kept.write(document);
      }
      if (stats.total % HEARTBEAT_EVERY_DOCUMENTS === 0) context.heartbeat({ phase: 'dedup', shard: shardIndex, documents: stats.total, duplicates: stats.dropped });
    }
    documents.push(await kept.close());
    rejected.push(await dropped.close());
  }

  const hashFile = await JsonlShardWriter.open(paths.exactHashes);
  for (const hash of keptHashes.keys()) await hashFile.write(hash);
  const exactHashes = await hashFile.close();

  context.log.info('New documents deduplicated against the published versions', { version: params.version, kept: stats.kept, dropped: stats.dropped, publishedHashes: published.size });
  return { documents, rejected, exactHashes, publishedHashes: published.size, stats };
}

/**
 * Returns the rejection of a document whose normalised text is already published or already
 * kept in this version, and records the hash of a document that is kept.
 */
function duplicateReason(document: Document, published: Map<string, number>, keptHashes: Map<string, string>): RejectedRecord | undefined {
  const hash = exactDedupHash(document.text);
  if (hash === '') return undefined;
  const inputUri = typeof document.metadata?.inputUri === 'string' ? document.metadata.inputUri : '';
  const publishedIn = published.get(hash);
  if (publishedIn !== undefined) {
    return { id: document.id, stage: DEDUP_STAGE, reason: 'duplicate_of_published', detail: `Document ${document.id} (${inputUri}) has the same normalised text as a document of published version ${publishedIn}`, inputUri, measurements: { hash, version: publishedIn } };
  }
  const keptId = keptHashes.get(hash);
  if (keptId !== undefined) {
    return { id: document.id, stage: DEDUP_STAGE, reason: 'exact_duplicate', detail: `Document ${document.id} (${inputUri}) has the same normalised text as document ${keptId} of this version`, inputUri, measurements: { hash, duplicateOf: keptId } };
  }
  keptHashes.set(hash, document.id);
  return undefined;
}

export async function publishVersion(rawInput: PublishVersionInput): Promise<PublishVersionOutput> {
  const params = PublishVersionInput.parse(rawInput);
  const output = normalizeUri(params.output);
  const { selection } = params;
  const paths = versionPaths(output, selection.version);

  const latest = await readLatest(output);
  if (latest && latest.version >= selection.version) {
    // A retry after the pointer was written: the version is already published.
    return { version: selection.version, manifestUri: paths.manifest, latestUri: latestUri(output) };
  }
  if ((latest?.version ?? 0) !== selection.previousVersion) {
    throw ApplicationFailure.nonRetryable(
      `Cannot publish version ${selection.version} of ${output}: version ${latest?.version} was published meanwhile (expected ${selection.previousVersion}). Run the refresh again; its schedule should use the Skip overlap policy.`,
      'ConcurrentPublish',
    );
  }

  const watermark = await writeWatermark(output, selection.previousVersion, selection.selectionUri, paths.watermark);
  const list = await sha256OfUri(selection.selectionUri);
  // A trainer reads the version manifest, so it carries the run's decontamination record.
  const run = await readManifest(params.pipeline.manifestUri, RunManifestShards);
  const manifest: VersionManifest = {
    kind: 'dataset-version',
    dataset: params.dataset,
    version: selection.version,
    previousVersion: selection.previousVersion,
    workflowId: params.workflowId,
    input: normalizeUri(params.input),
    newInputs: { files: selection.newFiles, bytes: selection.newBytes, list: { uri: selection.selectionUri, ...list } },
    watermark,
    pipeline: params.pipeline,
    outputs: { documents: params.dedup.documents, rejected: params.dedup.rejected, exactHashes: params.dedup.exactHashes },
    stats: params.dedup.stats,
    decontamination: run?.decontamination,
    codeVersion: codeVersion(),
    createdAt: new Date().toISOString(),
  };
  await writeManifest(paths.manifest, manifest);
  const pointer: LatestPointer = { kind: 'latest', dataset: params.dataset, version: selection.version, manifestUri: paths.manifest, publishedAt: manifest.createdAt };
  await writeManifest(latestUri(output), pointer);
  await removeStagedInput(paths.stagedInput);

  Context.current().log.info('Dataset version published', { dataset: params.dataset, version: selection.version, documents: params.dedup.stats.kept });
  return { version: selection.version, manifestUri: paths.manifest, latestUri: latestUri(output) };
}

/** Writes the previous version's watermark plus the newly processed files. */
async function writeWatermark(output: string, previousVersion: number, selectionUri: string, target: string) {
  const entries = previousVersion > 0 ? await readWatermark(await readVersionManifest(output, previousVersion)) : new Map<string, WatermarkEntry>();
  for await (const record of readJsonlRecords(selectionUri)) {
    const entry = WatermarkEntry.parse(record);
    entries.set(entry.path, entry);
  }
  const writer = await JsonlShardWriter.open(target);
  for (const entry of [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : 1))) await writer.write(entry);
  return writer.close();
}

/** Deletes the staged copies of the input files. The watermark keeps their paths and sha256. */
async function removeStagedInput(stagedInput: string): Promise<void> {
  const storage = await storageFor(stagedInput);
  for await (const object of storage.list(stagedInput)) await storage.delete(object.uri);
}
