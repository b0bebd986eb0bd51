// Phase 2 of exact dedup: one pass over every shard's hash file in shard order. The first
// document with a given normalised-text hash stays. Every later one goes on its shard's drop
// list with the hash and the id of the copy that stays. The pass holds one entry per distinct
// hash in memory (about 150 bytes each with the V8 Map overhead).
// NOTE: a corpus of more than ~10^8 distinct documents needs this pass split by hash prefix.
import { DocumentHash, FindExactDuplicatesInput, WorkManifest } from '../../schemas/exact-dedup';
import type { DropList, ExactDuplicate, FindExactDuplicatesOutput } from '../../schemas/exact-dedup';
import { codeVersion } from '../manifest/code-version';
import { sha256OfUri } from '../manifest/hash';
import { readManifest, writeManifest } from '../manifest/store';
import { readJsonlRecords } from '../shards/jsonl-reader';
import { storageFor } from '../storage';
import type { WriteResult } from '../storage';
import { heartbeatProgress } from '../near-dedup/heartbeat';
import { EXACT_DEDUP_CONFIG_HASH } from './config-hash';
import { dropListUri, duplicatesManifestUri, hashFileUri } from './layout';
import { manifestMatches } from './manifest-check';

/** Keeps the first document per hash across shards fed in shard order. */
export class ExactDuplicateFinder {
  private readonly firstCopy = new Map<string, { id: string; shardIndex: number }>();
  private nextShard = 0;

  /**
   * Returns the duplicates among one shard's hashes (line n = record n). Shards must come in
   * increasing index order so that "first" means first in corpus order. Documents with an
   * empty normalised text are never duplicates: the quality filter judges those.
   */
  addShard(shardIndex: number, hashes: readonly DocumentHash[]): ExactDuplicate[] {
    if (shardIndex < this.nextShard) {
      throw new Error(`Shards must be added in increasing order: got shard ${shardIndex} after shard ${this.nextShard - 1}`);
    }
    this.nextShard = shardIndex + 1;

    const duplicates: ExactDuplicate[] = [];
    hashes.forEach(({ id, hash }, recordIndex) => {
      if (hash === '') return;
      const kept = this.firstCopy.get(hash);
      if (kept) duplicates.push({ recordIndex, id, hash, keptId: kept.id, keptShardIndex: kept.shardIndex });
      else this.firstCopy.set(hash, { id, shardIndex });
    });
    return duplicates;
  }
}

export async function findExactDuplicates(rawInput: FindExactDuplicatesInput): Promise<FindExactDuplicatesOutput> {
  const input = FindExactDuplicatesInput.parse(rawInput);
  const manifestUri = duplicatesManifestUri(input.outputUri);
  const hashUris = Array.from({ length: input.shardCount }, (_, shardIndex) => hashFileUri(input.outputUri, shardIndex));
  const existing = await readManifest(manifestUri, WorkManifest);
  if (existing && (await manifestMatches(existing, existing.outputs, hashUris))) {
    return { documents: existing.counts.documents ?? 0, duplicates: existing.counts.duplicates ?? 0, skipped: true };
  }

  const finder = new ExactDuplicateFinder();
  const outputs: WriteResult[] = [];
  let documents = 0;
  let duplicates = 0;
  for (const [shardIndex, uri] of hashUris.entries()) {
    const hashes: DocumentHash[] = [];
    for await (const record of readJsonlRecords(uri)) hashes.push(DocumentHash.parse(record));
    const dropList: DropList = { shardIndex, duplicates: finder.addShard(shardIndex, hashes) };
    const target = dropListUri(input.outputUri, shardIndex);
    outputs.push(await (await storageFor(target)).write(target, JSON.stringify(dropList)));
    documents += hashes.length;
    duplicates += dropList.duplicates.length;
    heartbeatProgress({ shards: shardIndex + 1 });
  }

  const inputs = [];
  for (const uri of hashUris) inputs.push({ uri, ...(await sha256OfUri(uri)) });
  const manifest: WorkManifest = {
    kind: 'exact-dedup-work',
    phase: 'duplicates',
    codeVersion: codeVersion(),
    configHash: EXACT_DEDUP_CONFIG_HASH,
    inputs,
    outputs: outputs.map(({ uri, bytes, sha256 }) => ({ uri, bytes, sha256 })),
    counts: { documents, duplicates },
    createdAt: new Date().toISOString(),
  };
  await writeManifest(manifestUri, manifest);
  return { documents, duplicates, skipped: false };
}
