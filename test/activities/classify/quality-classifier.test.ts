import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleForAnnotation, scoreQualityShard, trainFromAnnotations, trainFromReferences } from '../../../activities/classify';
import { closeTrainPool } from '../../../activities/classify/train-pool';
import { unitHash } from '../../../activities/classify/split';
import { completeRequests } from '../../../activities/llm/complete-requests';
import { readJsonlRecords } from '../../../activities/shards/jsonl-reader';
import { JsonlShardWriter } from '../../../activities/shards/jsonl-writer';
import type { Document } from '../../../schemas/document';
import { startOpenAIStub } from '../../support/openai-stub';
import type { OpenAIStub } from '../../support/openai-stub';
import { stubConfig, testKeyVariable } from '../llm/helpers';
import { docstringDocuments, sentenceDocuments, stubAnnotator } from './corpus';

let root: string;
let stub: OpenAIStub;
let trainPool: Document[];
let heldOut: Document[];
// A hundred-odd documents need more passes than a corpus-sized sample to fit.
const fastText = { epoch: 100, dim: 16, bucket: 10_000 };

async function writeDocuments(name: string, documents: Document[]): Promise<string> {
  const uri = path.join(root, name);
  const writer = await JsonlShardWriter.open(uri);
  for (const item of documents) await writer.write(item);
  await writer.close();
  return uri;
}

async function readAll<T>(uri: string): Promise<T[]> {
  const records: T[] = [];
  for await (const record of readJsonlRecords<T>(uri)) records.push(record);
  return records;
}

beforeAll(async () => {
  process.env[testKeyVariable] = 'sk-test-classify-key';
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'quality-classifier-'));
  const all = [...docstringDocuments(80), ...sentenceDocuments()];
  stub = await startOpenAIStub({ respond: stubAnnotator(all) });
  trainPool = all.filter((document) => unitHash(7, document.id) >= 0.25);
  heldOut = all.filter((document) => unitHash(7, document.id) < 0.25);
});

afterAll(async () => {
  await stub.close();
  await closeTrainPool();
  await fs.rm(root, { recursive: true, force: true });
});

describe('quality classifiers', () => {
  it('trains on stub annotations and scores held-out documents', async () => {
    const documentsUri = await writeDocuments('train-pool.jsonl.gz', trainPool);
    const sample = await sampleForAnnotation({ documentUris: [documentsUri], sampleSize: 500, workUri: path.join(root, 'annotated') });
    expect(sample.sampled).toBe(trainPool.length);

    const config = await stubConfig(stub.baseURL);
    const annotations = await completeRequests({ config, role: 'annotator', requestsUri: sample.requestsUri, outputUri: path.join(root, 'annotated', 'annotations.jsonl.gz') });
    expect(annotations.byStatus).toEqual({ ok: trainPool.length });

    const trained = await trainFromAnnotations({ sampleUri: sample.sampleUri, annotationsUri: annotations.outputUri, modelsUri: path.join(root, 'models'), minExamplesPerClass: 3, fastText });
    const { educational, nonStemEducational, topic } = trained.models;
    expect(educational.heldOutExamples).toBeGreaterThan(0);
    // Predicting the majority class for every held-out document gives a macro F1 below 0.45.
    expect(educational.macroF1).toBeGreaterThanOrEqual(0.55);
    expect(nonStemEducational?.macroF1).toBeGreaterThanOrEqual(0.6);
    expect(topic?.accuracy).toBe(1);
    for (const metrics of educational.perClass) {
      expect(metrics.precision).toBeGreaterThanOrEqual(0);
      expect(metrics.recall).toBeLessThanOrEqual(1);
      expect(metrics.f1).toBeLessThanOrEqual(1);
    }
    expect(topic?.labels).toEqual(['culture', 'stem']);
    expect(nonStemEducational?.labels).toEqual(['high', 'low']);

    const scored = await scoreQualityShard({
      modelsManifestUri: trained.modelsManifestUri,
      inputUri: await writeDocuments('held-out.jsonl.gz', heldOut),
      documentsUri: path.join(root, 'scored', 'documents.jsonl.gz'),
      rejectedUri: path.join(root, 'scored', 'rejected.jsonl.gz'),
      thresholds: { default: 0.5, byTopic: { culture: 0.5 } },
    });
    expect(scored.stats.total).toBe(heldOut.length);
    expect(scored.stats.kept + scored.stats.dropped).toBe(heldOut.length);

    const kept = await readAll<Document>(scored.documentsUri);
    const rejected = await readAll<{ id: string; measurements: { qualityClassifierScore: number } }>(scored.rejectedUri);
    expect(kept.length + rejected.length).toBe(heldOut.length);
    const keptDocstrings = kept.filter((document) => document.id.startsWith('py-')).length;
    const heldOutDocstrings = heldOut.filter((document) => document.id.startsWith('py-')).length;
    expect(keptDocstrings / heldOutDocstrings).toBeGreaterThanOrEqual(0.8);
    expect(kept.every((document) => typeof document.metadata.qualityClassifierScore === 'number')).toBe(true);
  });

  it('reuses models.json on a second training run', async () => {
    const positives = await writeDocuments('again-positive.jsonl.gz', docstringDocuments(20));
    const negatives = await writeDocuments('again-negative.jsonl.gz', sentenceDocuments().slice(0, 20));
    const input = { positiveUris: [positives], negativeUris: [negatives], modelsUri: path.join(root, 'models-again') };

    const first = await trainFromReferences(input);
    const second = await trainFromReferences(input);

    expect(second.models.createdAt).toBe(first.models.createdAt);
  });

  it('trains from reference files without an annotator', async () => {
    const positives = await writeDocuments('positive.jsonl.gz', trainPool.filter((document) => document.id.startsWith('py-')));
    const negatives = await writeDocuments('negative.jsonl.gz', trainPool.filter((document) => document.id.startsWith('sentence-')));

    const trained = await trainFromReferences({ positiveUris: [positives], negativeUris: [negatives], modelsUri: path.join(root, 'reference-models'), fastText });
    const scored = await scoreQualityShard({
      modelsManifestUri: trained.modelsManifestUri,
      inputUri: await writeDocuments('reference-held-out.jsonl.gz', heldOut),
      documentsUri: path.join(root, 'reference-scored', 'documents.jsonl.gz'),
      rejectedUri: path.join(root, 'reference-scored', 'rejected.jsonl.gz'),
    });

    expect(trained.models.source).toBe('reference_files');
    expect(trained.models.topic).toBeUndefined();
    expect(trained.models.educational.labels).toEqual(['high', 'low']);
    expect(trained.models.educational.heldOutExamples).toBeGreaterThan(0);
    // Every whatlang sentence is in its own language, so a held-out sentence is mostly unknown
    // words. The classifier can still rank held-out docstrings, which resemble its positives, above them.
    const kept = await readAll<Document>(scored.documentsUri);
    const rejected = await readAll<{ id: string; measurements: { qualityClassifierScore: number } }>(scored.rejectedUri);
    const scores = [
      ...kept.map((document) => ({ id: document.id, score: document.metadata.qualityClassifierScore as number })),
      ...rejected.map((record) => ({ id: record.id, score: record.measurements.qualityClassifierScore })),
    ];
    const mean = (prefix: string) => {
      const group = scores.filter((entry) => entry.id.startsWith(prefix));
      return group.reduce((sum, entry) => sum + entry.score, 0) / group.length;
    };
    expect(mean('py-')).toBeGreaterThan(mean('sentence-') + 0.2);
  });
});
