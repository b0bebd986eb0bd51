// Phase 1 of exact dedup: hash each document's normalised text into a small per-shard file,
// one {id, hash} line per record in shard order.
import { HashShardInput, WorkManifest } from '../../schemas/exact-dedup';
import type { DocumentHash, HashShardOutput } from '../../schemas/exact-dedup';
import { codeVersion } from '../manifest/code-version';
import { sha256OfUri } from '../manifest/hash';
import { readManifest, writeManifest } from '../manifest/store';
import { heartbeatProgress } from '../near-dedup/heartbeat';
import { parseShardDocument } from '../near-dedup/documents';
import { readJsonlRecords } from '../shards/jsonl-reader';
import { JsonlShardWriter } from '../shards/jsonl-writer';
import { EXACT_DEDUP_CONFIG_HASH } from './config-hash';
import { hashFileUri, hashManifestUri } from './layout';
import { manifestMatches } from './manifest-check';
import { exactDedupHash } from './normalize';

export async function hashShardDocuments(rawInput: HashShardInput): Promise<HashShardOutput> {
  const input = HashShardInput.parse(rawInput);
  const hashesUri = hashFileUri(input.outputUri, input.shardIndex);
  const manifestUri = hashManifestUri(input.outputUri, input.shardIndex);
  const existing = await readManifest(manifestUri, WorkManifest);
  if (existing && (await manifestMatches(existing, existing.outputs, [input.shardUri]))) {
    return { shardIndex: input.shardIndex, hashesUri, documents: existing.counts.documents ?? 0, skipped: true };
  }

  const writer = await JsonlShardWriter.open(hashesUri);
  let documents = 0;
  for await (const record of readJsonlRecords(input.shardUri)) {
    const document = parseShardDocument(record, input.shardUri, documents);
    const line: DocumentHash = { id: document.id, hash: exactDedupHash(document.text) };
    await writer.write(line);
    documents += 1;
    if (documents % 1000 === 0) heartbeatProgress({ documents });
  }
  const output = await writer.close();

  const manifest: WorkManifest = {
    kind: 'exact-dedup-work',
    phase: 'hashes',
    codeVersion: codeVersion(),
    configHash: EXACT_DEDUP_CONFIG_HASH,
    inputs: [{ uri: input.shardUri, ...(await sha256OfUri(input.shardUri)) }],
    outputs: [{ uri: output.uri, bytes: output.bytes, sha256: output.sha256 }],
    counts: { documents },
    createdAt: new Date().toISOString(),
  };
  await writeManifest(manifestUri, manifest);
  return { shardIndex: input.shardIndex, hashesUri, documents, skipped: false };
}
