// The `packLongContext` activity: reads the selection plan, puts every document copy in a
// seeded shuffled order, and packs the stream into sequences of exactly contextLength tokens,
// written as Megatron indexed datasets of sequencesPerShard sequences each.
import { PackedManifest, PackLongContextInput, PackLongContextOutput, PlannedDocument } from '../../schemas/midtrain';
import { codeVersion } from '../manifest/code-version';
import { hashConfig } from '../manifest/hash';
import { readManifest, writeManifest } from '../manifest/store';
import { readJsonlRecords } from '../shards/jsonl-reader';
import { shardName } from '../shards/paths';
import { joinUri } from '../storage';
import { activityLog, heartbeat } from '../tokenize/context';
import { IndexedDatasetWriter, readIndex, readSequence, type IndexedDatasetIndex } from '../tokenize/indexed-dataset';
import { PADDED_VOCAB_SIZE, tokenDtypeFor } from '../tokenize/vocabulary';
import { SequencePacker, stableUniform } from './selection';

interface Copy {
  prefix: string;
  sequence: number;
  order: number;
}

/** Expands the plan into one entry per copy, ordered by a seeded hash. Holds 3 fields per copy. */
async function shuffledCopies(planUri: string, seed: number): Promise<Copy[]> {
  const copies: Copy[] = [];
  for await (const raw of readJsonlRecords(planUri)) {
    const planned = PlannedDocument.parse(raw);
    for (let copy = 0; copy < planned.copies; copy++) {
      copies.push({ prefix: planned.prefix, sequence: planned.sequence, order: stableUniform(`${seed}:${planned.prefix}:${planned.sequence}:${copy}`) });
    }
  }
  return copies.sort((a, b) => a.order - b.order);
}

export async function packLongContext(rawInput: PackLongContextInput): Promise<PackLongContextOutput> {
  const params = PackLongContextInput.parse(rawInput);
  const folder = joinUri(params.outputUri, 'midtrain', 'packed');
  const manifestUri = joinUri(folder, 'packed.manifest.json');
  const configHash = hashConfig(params);
  const existing = await readManifest(manifestUri, PackedManifest);
  if (existing && existing.configHash === configHash) {
    activityLog().info('Packed manifest matches; skipping packing', { manifest: manifestUri });
    return PackLongContextOutput.parse({ ...existing, manifestUri });
  }

  const copies = await shuffledCopies(params.planUri, params.seed);

  const dtype = tokenDtypeFor(PADDED_VOCAB_SIZE);
  const shards: PackLongContextOutput['shards'] = [];
  let writer: IndexedDatasetWriter | undefined;
  let sequences = 0;
  const closeShard = async () => {
    if (!writer) return;
    const result = await writer.close();
    shards.push({ prefix: writer.prefixUri, bin: pick(result.bin), idx: pick(result.idx), sequences: result.documents });
    writer = undefined;
  };

  const indexes = new Map<string, IndexedDatasetIndex>();
  const packer = new SequencePacker(params.contextLength);
  for (const [position, copy] of copies.entries()) {
    if (!indexes.has(copy.prefix)) indexes.set(copy.prefix, await readIndex(copy.prefix));
    const ids = await readSequence(copy.prefix, indexes.get(copy.prefix)!, copy.sequence);
    for (const full of packer.add(ids)) {
      if (!writer) writer = await IndexedDatasetWriter.open(joinUri(folder, shardName(shards.length)), dtype, PADDED_VOCAB_SIZE);
      await writer.addDocument(full);
      sequences += 1;
      if (sequences % params.sequencesPerShard === 0) await closeShard();
    }
    if (position % 256 === 255) heartbeat({ copiesPacked: position + 1, copies: copies.length });
  }
  await closeShard();

  const output = { shards, sequences, packedTokens: sequences * params.contextLength, droppedTailTokens: packer.tailLength };
  const manifest: PackedManifest = {
    kind: 'midtrain-packed',
    ...output,
    contextLength: params.contextLength,
    plan: params.planUri,
    configHash,
    codeVersion: codeVersion(),
    createdAt: new Date().toISOString(),
  };
  await writeManifest(manifestUri, manifest);
  activityLog().info('Long-context sequences packed', { sequences, shards: shards.length, droppedTailTokens: packer.tailLength });
  return PackLongContextOutput.parse({ ...output, manifestUri });
}

function pick(result: { uri: string; bytes: number; sha256: string }) {
  return { uri: result.uri, bytes: result.bytes, sha256: result.sha256 };
}
