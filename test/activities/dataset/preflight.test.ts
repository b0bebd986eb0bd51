// checkDatasetForTraining: what a training launch rejects. The decontamination stage manifests
// here are written by the real stage activity; only the benchmark lists are made up.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDatasetForTraining } from '../../../activities/dataset';
import { readDecontaminationRecord } from '../../../activities/dataset/decontamination-record';
import { writeDecontaminationManifest } from '../../../activities/decontaminate';
import type { IndexedBenchmark } from '../../../schemas/decontaminate';

let root: string;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'preflight-'));
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

function benchmark(name: string): IndexedBenchmark {
  return { name, files: [{ uri: `file:///bench/${name}.jsonl`, sha256: 'a'.repeat(64), bytes: 10 }], items: 3, longNgrams: 9, shortNgrams: 0, textsTooShort: 0, lowInformationNgrams: 0 };
}

/** Writes a stage manifest for `names` and a dataset manifest whose record is read from it. */
async function decontaminatedDataset(folder: string, names: string[]): Promise<{ manifestUri: string; stageManifestUri: string }> {
  const outputUri = path.join(root, folder, 'decontaminate');
  const stats = { total: 4, kept: 3, dropped: 1, droppedByReason: { benchmark_ngram_match: 1 }, skippedByReason: {} };
  const stageManifestUri = await writeDecontaminationManifest({ outputUri, configHash: 'c', benchmarks: names.map(benchmark), stats, hits: { [names[0]!]: { web: 1 } }, shardCount: 0 });
  const manifestUri = path.join(root, folder, 'dataset.manifest.json');
  const record = await readDecontaminationRecord(stageManifestUri);
  await fs.writeFile(manifestUri, JSON.stringify({ kind: 'dataset', dataset: 'fim', decontamination: record }));
  return { manifestUri, stageManifestUri };
}

describe('checkDatasetForTraining', () => {
  it('accepts required benchmark sets', async () => {
    const { manifestUri } = await decontaminatedDataset('accepted', ['gsm8k', 'humaneval']);
    await expect(checkDatasetForTraining({ manifestUri, requiredBenchmarks: ['humaneval'] })).resolves.toEqual({ manifestUri, benchmarks: ['gsm8k', 'humaneval'] });
  });

  it('copies counts and hits into record', async () => {
    const { stageManifestUri } = await decontaminatedDataset('record', ['mmlu']);
    const record = await readDecontaminationRecord(stageManifestUri);
    expect(record).toMatchObject({ documentsChecked: 4, documentsRemoved: 1, hits: { mmlu: { web: 1 } } });
    expect(record.benchmarks).toEqual([{ name: 'mmlu', items: 3, files: [{ uri: 'file:///bench/mmlu.jsonl', sha256: 'a'.repeat(64) }] }]);
  });

  it('rejects a missing record', async () => {
    const manifestUri = path.join(root, 'bare.manifest.json');
    await fs.writeFile(manifestUri, JSON.stringify({ kind: 'run', finalShards: [] }));
    await expect(checkDatasetForTraining({ manifestUri })).rejects.toMatchObject({
      type: 'DatasetNotDecontaminated',
      nonRetryable: true,
      message: expect.stringContaining(`Refusing to train on ${manifestUri}: it has no decontamination record`),
    });
  });

  it('rejects a deleted stage manifest', async () => {
    const { manifestUri, stageManifestUri } = await decontaminatedDataset('gone', ['gsm8k']);
    await fs.rm(stageManifestUri);
    await expect(checkDatasetForTraining({ manifestUri })).rejects.toThrow(
      `Decontamination manifest not found: ${stageManifestUri}. The record no longer matches the stage that wrote it; rebuild the dataset instead of editing its manifests.`,
    );
  });

  it('rejects an edited record', async () => {
    const { manifestUri } = await decontaminatedDataset('edited', ['gsm8k']);
    const manifest = JSON.parse(await fs.readFile(manifestUri, 'utf8'));
    manifest.decontamination.benchmarks.push({ name: 'gpqa', items: 1, files: [] });
    await fs.writeFile(manifestUri, JSON.stringify(manifest));
    await expect(checkDatasetForTraining({ manifestUri })).rejects.toThrow('its record names gpqa, which');
  });

  it('rejects a missing required set', async () => {
    const { manifestUri } = await decontaminatedDataset('partial', ['gsm8k']);
    await expect(checkDatasetForTraining({ manifestUri, requiredBenchmarks: ['gsm8k', 'mbpp'] })).rejects.toThrow(
      'it was not decontaminated against mbpp (it was against gsm8k). Add the missing sets to decontaminate.options.benchmarks and rebuild the dataset.',
    );
  });

  it('names missing, broken or foreign manifests', async () => {
    const missing = path.join(root, 'missing.json');
    await expect(checkDatasetForTraining({ manifestUri: missing })).rejects.toThrow(`Dataset manifest not found: ${missing}`);
    const broken = path.join(root, 'broken.json');
    await fs.writeFile(broken, '{"kind": "run", ');
    await expect(checkDatasetForTraining({ manifestUri: broken })).rejects.toThrow(`${broken} is not valid JSON`);
    const other = path.join(root, 'other.json');
    await fs.writeFile(other, JSON.stringify({ stage: 'extract' }));
    await expect(checkDatasetForTraining({ manifestUri: other })).rejects.toThrow(`Refusing to train on ${other}: it is not a run, dataset or dataset version manifest (field "kind"`);
    await expect(checkDatasetForTraining({ manifestUri: other })).rejects.toThrow('Pass a run manifest (<output>/manifest.json)');
  });
});
