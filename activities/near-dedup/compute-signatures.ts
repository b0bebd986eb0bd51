// Phase 1 of MinHash deduplication: one shard's signatures, band hashes and document table.
import { ComputeShardSignaturesInput, ComputeShardSignaturesOutput, nearDedupIndexConfig } from '../../schemas/near-dedup';
import type { NearDedupOptions } from '../../schemas/near-dedup';
import { parseShardDocument } from './documents';
import { readJsonlRecords } from '../shards/jsonl-reader';
import { storageFor } from '../storage';
import { encodeBuckets, encodeSignatures, shardWorkPaths } from './files';
import { qualityScoreOf } from './keep-rule';
import { configHash, describeFile, findMatchingManifest, writeManifest } from './manifest';
import { MinHasher, bandHashes, shingleHashes } from './minhash';
import { signatureFolder } from './layout';
import { heartbeatProgress } from './heartbeat';

export async function computeShardSignatures(rawInput: ComputeShardSignaturesInput): Promise<ComputeShardSignaturesOutput> {
  const input = ComputeShardSignaturesInput.parse(rawInput);
  const { options } = input;
  const paths = shardWorkPaths(signatureFolder(input.outputUri), input.shardIndex);
  const hash = configHash(nearDedupIndexConfig(options));
  const inputs = [await describeFile(input.shardUri)];
  const existing = await findMatchingManifest(paths.manifest, inputs, hash);
  if (existing) {
    const details = existing.details as { documents: number; withoutShingles: number };
    return { shardIndex: input.shardIndex, documents: details.documents, withoutShingles: details.withoutShingles, skipped: true };
  }

  const result = await signShard(input.shardUri, options);

  const storage = await storageFor(paths.signatures);
  const outputs = [
    await storage.write(paths.signatures, encodeSignatures(result.signatures, result.ids.length, options.bands * options.rows)),
    await storage.write(paths.buckets, encodeBuckets(result.entries, result.entryBands, options.bands, options.partitions)),
    await storage.write(paths.documentTable, JSON.stringify({ ids: result.ids, scores: result.scores })),
  ];
  const details = { documents: result.ids.length, withoutShingles: result.withoutShingles };
  await writeManifest(paths.manifest, {
    stage: 'near-dedup/signatures',
    configHash: hash,
    inputs,
    outputs: outputs.map((output) => ({ ...output, records: result.ids.length })),
    details,
  });
  return { shardIndex: input.shardIndex, ...details, skipped: false };
}

interface SignedShard {
  ids: string[];
  scores: (number | null)[];
  signatures: Uint32Array;
  entries: Uint32Array;
  entryBands: Uint16Array;
  withoutShingles: number;
}

/** Streams a shard and computes every document's signature and band hashes. */
export async function signShard(shardUri: string, options: NearDedupOptions): Promise<SignedShard> {
  const { bands, rows } = options;
  const hashes = bands * rows;
  const hasher = new MinHasher(hashes, options.seed);
  const ids: string[] = [];
  const scores: (number | null)[] = [];
  let signatures = new Uint32Array(1024 * hashes);
  let entries = new Uint32Array(1024 * bands * 3);
  let entryBands = new Uint16Array(1024 * bands);
  let entryCount = 0;
  let withoutShingles = 0;
  const bandTarget = new Uint32Array(bands * 2);

  for await (const record of readJsonlRecords<unknown>(shardUri)) {
    const index = ids.length;
    const document = parseShardDocument(record, shardUri, index);
    ids.push(document.id);
    scores.push(qualityScoreOf(document, options.qualityScoreField));
    if ((index + 1) * hashes > signatures.length) signatures = grow(signatures);
    const shingles = shingleHashes(document.text, options.shingle);
    const signature = hasher.signature(shingles, signatures.subarray(index * hashes, (index + 1) * hashes));
    if (shingles.length === 0) {
      withoutShingles += 1;
    } else {
      bandHashes(signature, bands, rows, bandTarget);
      if ((entryCount + bands) * 3 > entries.length) {
        entries = grow(entries);
        entryBands = grow(entryBands);
      }
      for (let band = 0; band < bands; band += 1) {
        entries[entryCount * 3] = bandTarget[band * 2]!;
        entries[entryCount * 3 + 1] = bandTarget[band * 2 + 1]!;
        entries[entryCount * 3 + 2] = index;
        entryBands[entryCount] = band;
        entryCount += 1;
      }
    }
    if (index % 1000 === 999) heartbeatProgress({ documents: index + 1 });
  }

  return {
    ids,
    scores,
    signatures: signatures.subarray(0, ids.length * hashes),
    entries: entries.subarray(0, entryCount * 3),
    entryBands: entryBands.subarray(0, entryCount),
    withoutShingles,
  };
}

function grow<T extends Uint32Array | Uint16Array>(array: T): T {
  const larger = new (array.constructor as new (length: number) => T)(array.length * 2);
  larger.set(array);
  return larger;
}
