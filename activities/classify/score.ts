// Scores documents with the trained classifiers and keeps those at or above their topic's
// threshold. The topic model routes a document: STEM documents are judged by the educational
// classifier, other topics by the non-STEM one when it was trained.
import { Document } from '../../schemas/document';
import type { RejectedRecord } from '../../schemas/document';
import { QualityModels, ScoreQualityShardInput, ScoreQualityShardOutput } from '../../schemas/quality-classifier';
import type { QualityThresholds, Topic } from '../../schemas/quality-classifier';
import { emptyStats } from '../../schemas/stats';
import { readJsonlRecords } from '../shards/jsonl-reader';
import { JsonlShardWriter } from '../shards/jsonl-writer';
import { storageFor } from '../storage';
import { heartbeat } from '../llm/log';
import { loadClassifier } from './fasttext';
import type { Classifier } from './fasttext';
import { argmax } from './train';

const STAGE = 'quality-classifier';
const rejectionReason = 'quality_classifier_below_threshold';
/** Raw text is kept in a rejected record up to this size, as RejectedRecord documents. */
const maxRawChars = 64 * 1024;

export interface LoadedModels {
  manifest: QualityModels;
  educational: Classifier;
  nonStemEducational?: Classifier;
  topic?: Classifier;
}

export interface QualityScore {
  score: number;
  topic: Topic | undefined;
  model: 'educational' | 'nonStemEducational';
  threshold: number;
  keep: boolean;
}

const loaded = new Map<string, Promise<LoadedModels>>();

/** Loads models.json and its model files once per worker process. */
export function loadModels(manifestUri: string): Promise<LoadedModels> {
  let models = loaded.get(manifestUri);
  if (!models) {
    models = readModelFiles(manifestUri);
    loaded.set(manifestUri, models);
    models.catch(() => loaded.delete(manifestUri));
  }
  return models;
}

async function readModelFiles(manifestUri: string): Promise<LoadedModels> {
  const storage = await storageFor(manifestUri);
  const manifest = QualityModels.parse(JSON.parse((await storage.readBytes(manifestUri)).toString('utf8')));
  const load = async (uri: string) => loadClassifier(new Uint8Array(await (await storageFor(uri)).readBytes(uri)));
  return {
    manifest,
    educational: await load(manifest.educational.modelUri),
    nonStemEducational: manifest.nonStemEducational ? await load(manifest.nonStemEducational.modelUri) : undefined,
    topic: manifest.topic ? await load(manifest.topic.modelUri) : undefined,
  };
}

export function scoreDocument(models: LoadedModels, text: string, thresholds: QualityThresholds): QualityScore {
  const topic = models.topic ? (argmax(models.topic.predict(text)) as Topic) : undefined;
  const useNonStem = topic !== undefined && topic !== 'stem' && models.nonStemEducational !== undefined;
  const classifier = useNonStem ? models.nonStemEducational! : models.educational;
  const score = classifier.predict(text).get('high') ?? 0;
  const threshold = (topic !== undefined ? thresholds.byTopic[topic] : undefined) ?? thresholds.default;
  return { score, topic, model: useNonStem ? 'nonStemEducational' : 'educational', threshold, keep: score >= threshold };
}

export async function scoreQualityShard(rawInput: ScoreQualityShardInput): Promise<ScoreQualityShardOutput> {
  const input = ScoreQualityShardInput.parse(rawInput);
  const models = await loadModels(input.modelsManifestUri);
  const documents = await JsonlShardWriter.open(input.documentsUri);
  const rejected = await JsonlShardWriter.open(input.rejectedUri);
  const stats = emptyStats();
  const keptByTopic: Record<string, number> = {};

  let recordIndex = 0;
  for await (const record of readJsonlRecords(input.inputUri)) {
    const document = Document.parse(record);
    const quality = scoreDocument(models, document.text, input.thresholds);
    stats.total += 1;
    const measurements = { qualityClassifierScore: quality.score, qualityTopic: quality.topic ?? null, qualityModel: quality.model, qualityThreshold: quality.threshold };
    if (quality.keep) {
      stats.kept += 1;
      keptByTopic[quality.topic ?? 'unknown'] = (keptByTopic[quality.topic ?? 'unknown'] ?? 0) + 1;
      await documents.write({ ...document, metadata: { ...document.metadata, ...measurements } });
    } else {
      stats.dropped += 1;
      stats.droppedByReason[rejectionReason] = (stats.droppedByReason[rejectionReason] ?? 0) + 1;
      await rejected.write(rejectedRecord(document, recordIndex, input.inputUri, quality, measurements));
    }
    recordIndex += 1;
    if (recordIndex % 500 === 0) {
      heartbeat({ recordIndex });
      // Yield so the heartbeat is sent while a large shard is still being scored.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await documents.close();
  await rejected.close();
  return { documentsUri: input.documentsUri, rejectedUri: input.rejectedUri, stats, keptByTopic };
}

function rejectedRecord(document: Document, recordIndex: number, inputUri: string, quality: QualityScore, measurements: Record<string, unknown>): RejectedRecord {
  return {
    id: document.id,
    stage: STAGE,
    reason: rejectionReason,
    detail: `Document ${document.id} (record ${recordIndex} of ${inputUri}) scored ${quality.score.toFixed(3)} with the ${quality.model} classifier, below the ${quality.topic ?? 'default'} threshold ${quality.threshold}`,
    inputUri,
    recordIndex,
    raw: document.text.length <= maxRawChars ? JSON.stringify(document) : undefined,
    measurements,
  };
}
