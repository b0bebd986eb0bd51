import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { packLongContext } from '../../../activities/midtrain/pack-long-context';
import { selectLongContext } from '../../../activities/midtrain/select-long-context';
import { assignCopies, copiesScale, documentWeight, SequencePacker } from '../../../activities/midtrain/selection';
import { writeManifest } from '../../../activities/manifest/store';
import { IndexedDatasetWriter, readIndex, readSequence } from '../../../activities/tokenize/indexed-dataset';
import { END_OF_DOCUMENT_ID, PADDED_VOCAB_SIZE } from '../../../activities/tokenize/vocabulary';
import { LongContextOptions, PlannedDocument } from '../../../schemas/midtrain';
import type { TokenShardManifest } from '../../../schemas/tokenize';

const folder = mkdtempSync(path.join(tmpdir(), 'midtrain-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const defaults = LongContextOptions.parse({});

describe('long-context selection', () => {
  it('applies the 8K and 16K thresholds', () => {
    // Lengths include the end-of-document token, which does not count toward the thresholds.
    expect(documentWeight(8_192, defaults)).toBe(0);
    expect(documentWeight(8_193, defaults)).toBe(1);
    expect(documentWeight(16_384, defaults)).toBe(1);
    expect(documentWeight(16_385, defaults)).toBe(2);
    expect(documentWeight(16_385, { ...defaults, upweightFactor: 3.5 })).toBe(3.5);
  });

  it('fills the budget with up-weighted repeats', () => {
    const documents = [
      { source: 'code', prefix: 'a', sequence: 0, tokens: 10_001 },
      { source: 'code', prefix: 'a', sequence: 1, tokens: 20_001 },
      { source: 'code', prefix: 'a', sequence: 2, tokens: 4_000 },
    ];
    // Weighted pool: 1 × 10,001 + 2 × 20,001 = 50,003 tokens; a budget of 3 pools gives scale 3.
    const options = { ...defaults, budgetTokens: 3 * 50_003 };
    const scale = copiesScale(documents, options);
    expect(scale).toBeCloseTo(3);
    expect(assignCopies(documents, scale, options)).toEqual([3, 6, 0]);
  });

  it('samples long documents at the up-weighted rate', () => {
    const documents = Array.from({ length: 20_000 }, (_, sequence) => ({
      source: 'acquired',
      prefix: 'p',
      sequence,
      tokens: sequence % 2 === 0 ? 9_001 : 17_001,
    }));
    const options = { ...defaults, budgetTokens: 20e6 };
    const scale = copiesScale(documents, options);
    const copies = assignCopies(documents, scale, options);
    expect(new Set(copies)).toEqual(new Set([0, 1]));
    let shortCopies = 0;
    let longCopies = 0;
    documents.forEach((document, index) => {
      if (document.tokens === 9_001) shortCopies += copies[index]!;
      else longCopies += copies[index]!;
    });
    expect(longCopies / shortCopies).toBeGreaterThan(1.85);
    expect(longCopies / shortCopies).toBeLessThan(2.15);
    const selected = shortCopies * 9_001 + longCopies * 17_001;
    expect(Math.abs(selected - 20e6) / 20e6).toBeLessThan(0.02);
  });

  it('packs documents into full sequences', () => {
    const packer = new SequencePacker(4);
    expect(packer.add([1, 2, 3])).toEqual([]);
    expect(packer.add([4, 5, 6, 7, 8, 9, 10])).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    expect(packer.tailLength).toBe(2);
  });
});

async function writeTokenShard(source: string, lengths: number[]): Promise<{ manifest: string; documents: number[][] }> {
  const prefix = path.join(folder, 'tokens', source, 'shard-00000');
  const writer = await IndexedDatasetWriter.open(prefix, 'int32', PADDED_VOCAB_SIZE);
  const documents = lengths.map((length, index) => {
    const ids = Array.from({ length: length - 1 }, (_, i) => (index * 1000 + i) % 100_000);
    ids.push(END_OF_DOCUMENT_ID);
    return ids;
  });
  for (const ids of documents) await writer.addDocument(ids);
  const result = await writer.close();
  const digest = (file: { uri: string; bytes: number; sha256: string }) => ({ uri: file.uri, bytes: file.bytes, sha256: file.sha256 });
  const manifest: TokenShardManifest = {
    kind: 'token-shard',
    stage: 'tokenize',
    dataset: source,
    shardIndex: 0,
    format: 'document',
    tokenizer: { name: 'cl100k_base', vocabSize: PADDED_VOCAB_SIZE },
    configHash: 'test',
    codeVersion: 'test',
    inputs: [],
    datasets: [{ prefix, role: 'tokens', dtype: 'int32', bin: digest(result.bin), idx: digest(result.idx), sequences: result.documents, tokens: result.tokens }],
    exports: [],
    rejected: { uri: 'none', bytes: 0, sha256: 'none', records: 0 },
    stats: { total: lengths.length, kept: lengths.length, dropped: 0, droppedByReason: {}, skippedByReason: {} },
    createdAt: new Date(0).toISOString(),
  };
  const manifestUri = `${prefix}.manifest.json`;
  await writeManifest(manifestUri, manifest);
  return { manifest: manifestUri, documents };
}

describe('long-context activities', () => {
  it('selects from acquired and code, then packs to 16K', async () => {
    const acquired = await writeTokenShard('acquired', [5_000, 9_000, 20_000, 8_192, 30_000]);
    const code = await writeTokenShard('code', [12_000, 17_000, 100]);
    const web = await writeTokenShard('web', [40_000]);
    const output = path.join(folder, 'run');

    // Weighted pool: acquired 9,000 + 2 × 20,000 + 2 × 30,000, code 12,000 + 2 × 17,000 = 155,000.
    const selection = await selectLongContext({
      outputUri: output,
      sources: [
        { name: 'acquired', tokenShardManifests: [acquired.manifest] },
        { name: 'code', tokenShardManifests: [code.manifest] },
        { name: 'web', tokenShardManifests: [web.manifest] },
      ],
      options: { budgetTokens: 2 * 155_000 },
    });

    const plan = gunzipSync(readFileSync(selection.planUri)).toString('utf8').split('\n').filter(Boolean).map((line) => PlannedDocument.parse(JSON.parse(line)));
    expect(plan.map((entry) => [path.basename(path.dirname(entry.prefix)), entry.sequence, entry.copies])).toEqual([
      ['acquired', 1, 2],
      ['acquired', 2, 4],
      ['acquired', 4, 4],
      ['code', 0, 2],
      ['code', 1, 4],
    ]);
    expect(selection.selectedTokens).toBe(2 * 155_000);
    expect(selection.sources.map((item) => [item.source, item.eligibleDocuments, item.upweightedDocuments])).toEqual([
      ['acquired', 3, 2],
      ['code', 2, 1],
    ]);

    const packed = await packLongContext({ planUri: selection.planUri, outputUri: output, sequencesPerShard: 8 });
    expect(packed.sequences).toBe(Math.floor(310_000 / 16_384));
    expect(packed.droppedTailTokens).toBe(310_000 - packed.sequences * 16_384);
    expect(packed.shards.map((shard) => shard.sequences)).toEqual([8, 8, 2]);

    const manifestBefore = readFileSync(packed.manifestUri, 'utf8');
    const again = await packLongContext({ planUri: selection.planUri, outputUri: output, sequencesPerShard: 8 });
    expect(again.shards).toEqual(packed.shards);
    expect(readFileSync(packed.manifestUri, 'utf8')).toBe(manifestBefore);

    const first = await readIndex(packed.shards[0]!.prefix);
    expect(new Set(first.lengths)).toEqual(new Set([16_384]));
    // The packed stream is whole documents back to back: every end-of-document is followed by
    // the first id of some selected document.
    const firstIds = Array.from(await readSequence(packed.shards[0]!.prefix, first, 0));
    const starts = new Set([...acquired.documents, ...code.documents].map((ids) => ids[0]));
    expect(starts.has(firstIds[0])).toBe(true);
    const boundary = firstIds.indexOf(END_OF_DOCUMENT_ID);
    if (boundary >= 0 && boundary + 1 < firstIds.length) expect(starts.has(firstIds[boundary + 1])).toBe(true);
  });

  it('fails without retry when a configured source is missing', async () => {
    const code = await writeTokenShard('code-only', [9_000]);
    await expect(
      selectLongContext({ outputUri: path.join(folder, 'missing'), sources: [{ name: 'code', tokenShardManifests: [code.manifest] }] }),
    ).rejects.toMatchObject({ type: 'invalid_config', nonRetryable: true, message: 'Long-context source "acquired" has no token shards; sources given: code' });
  });
});
