// Phase 3 of exact dedup: rewrite one shard without the documents on its drop list. Each
// removed document goes to rejected/ with reason `exact_duplicate`, its normalised-text hash
// and the id of the copy that stays. Kept documents carry their hash in metadata.exactDedupHash.
import type { RejectedRecord } from '../../schemas/document';
import { DropList, RemoveExactDuplicatesInput } from '../../schemas/exact-dedup';
import type { RemoveExactDuplicatesOutput } from '../../schemas/exact-dedup';
import { ShardManifest } from '../../schemas/manifest';
import { emptyStats } from '../../schemas/stats';
import { codeVersion } from '../manifest/code-version';
import { sha256OfUri } from '../manifest/hash';
import { ApplicationFailure } from '@temporalio/common';
import { readManifest, writeManifest } from '../manifest/store';
import { parseShardDocument } from '../near-dedup/documents';
import { heartbeatProgress } from '../near-dedup/heartbeat';
import { readJsonlLines } from '../shards/jsonl-reader';
import { JsonlShardWriter } from '../shards/jsonl-writer';
import { storageFor } from '../storage';
import { EXACT_DEDUP_CONFIG_HASH } from './config-hash';
import { dropListUri, stageOutputPaths } from './layout';
import { manifestMatches } from './manifest-check';
import { exactDedupHash } from './normalize';

const STAGE = 'exact-dedup';
const MAX_RAW_CHARACTERS = 64 * 1024;

export async function removeExactDuplicates(rawInput: RemoveExactDuplicatesInput): Promise<RemoveExactDuplicatesOutput> {
  const input = RemoveExactDuplicatesInput.parse(rawInput);
  const paths = stageOutputPaths(input.outputUri, input.shardIndex);
  const dropsUri = dropListUri(input.outputUri, input.shardIndex);
  const result = { shardIndex: input.shardIndex, shardUri: paths.documents, rejectedUri: paths.rejected };
  const existing = await readManifest(paths.manifest, ShardManifest);
  const recordedOutputs = existing ? [existing.outputs.documents, existing.outputs.rejected] : [];
  if (existing && (await manifestMatches(existing, recordedOutputs, [input.shardUri, dropsUri]))) {
    return { ...result, stats: existing.stats, skipped: true };
  }

  const dropList = DropList.parse(JSON.parse((await (await storageFor(dropsUri)).readBytes(dropsUri)).toString('utf8')));
  const drops = new Map(dropList.duplicates.map((duplicate) => [duplicate.recordIndex, duplicate]));
  const stats = emptyStats();
  const documents = await JsonlShardWriter.open(paths.documents);
  const rejected = await JsonlShardWriter.open(paths.rejected);

  let recordIndex = 0;
  for await (const line of readJsonlLines(input.shardUri)) {
    const document = parseShardDocument(JSON.parse(line.text), input.shardUri, recordIndex);
    const duplicate = drops.get(recordIndex);
    stats.total += 1;
    if (duplicate) {
      if (duplicate.id !== document.id) {
        throw ApplicationFailure.nonRetryable(
          `Drop list ${dropsUri} names ${duplicate.id} at record ${recordIndex} of ${input.shardUri}, which contains ${document.id}. The shard changed after hashing: rerun the stage`,
          'ExactDedupDropListMismatch',
        );
      }
      stats.dropped += 1;
      stats.droppedByReason.exact_duplicate = (stats.droppedByReason.exact_duplicate ?? 0) + 1;
      const record: RejectedRecord = {
        id: document.id,
        stage: STAGE,
        reason: 'exact_duplicate',
        detail: `Document ${document.id} has the same normalised text as ${duplicate.keptId} (shard ${duplicate.keptShardIndex}), hash ${duplicate.hash}`,
        inputUri: input.shardUri,
        recordIndex,
        byteOffset: line.byteOffset,
        byteLength: Buffer.byteLength(line.text),
        raw: line.text.length <= MAX_RAW_CHARACTERS ? line.text : undefined,
        measurements: { hash: duplicate.hash, keptId: duplicate.keptId, keptShardIndex: duplicate.keptShardIndex },
      };
      await rejected.write(record);
    } else {
      stats.kept += 1;
      await documents.write({ ...document, metadata: { ...document.metadata, exactDedupHash: exactDedupHash(document.text) } });
    }
    recordIndex += 1;
    if (recordIndex % 1000 === 0) heartbeatProgress({ documents: recordIndex });
  }
  const documentsFile = await documents.close();
  const rejectedFile = await rejected.close();

  const inputs = [];
  for (const uri of [input.shardUri, dropsUri]) inputs.push({ uri, ...(await sha256OfUri(uri)) });
  const manifest: ShardManifest = {
    kind: 'shard',
    stage: STAGE,
    shardIndex: input.shardIndex,
    configHash: EXACT_DEDUP_CONFIG_HASH,
    codeVersion: codeVersion(),
    inputs,
    outputs: {
      documents: { uri: documentsFile.uri, bytes: documentsFile.bytes, sha256: documentsFile.sha256, records: stats.kept },
      rejected: { uri: rejectedFile.uri, bytes: rejectedFile.bytes, sha256: rejectedFile.sha256, records: stats.dropped },
    },
    stats,
    llmUsage: { requests: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 },
    createdAt: new Date().toISOString(),
  };
  await writeManifest(paths.manifest, manifest);
  return { ...result, stats, skipped: false };
}
