// Schemas of the learned quality classifiers: the annotation an LLM gives a document, the
// trained models and their held-out metrics, and the inputs and outputs of the classify
// activities. Pure module: workflows import it.
import { z } from 'zod';
import { StageStats } from './stats';
import { LlmConfig, LlmUsage } from './llm';

export const Topic = z.enum(['stem', 'arts', 'history', 'travel', 'culture', 'entertainment', 'other']);
export type Topic = z.infer<typeof Topic>;

/** The annotator role's rating of one document. */
export const QualityAnnotation = z.object({
  educational_value: z.number().int().min(0).max(5).describe('0 = no educational value, 5 = excellent teaching material'),
  topic: Topic,
  reason: z.string().max(500).describe('One or two sentences justifying the score'),
});
export type QualityAnnotation = z.infer<typeof QualityAnnotation>;

export const FastTextParams = z.object({
  epoch: z.number().int().positive().default(25),
  lr: z.number().positive().default(0.5),
  wordNgrams: z.number().int().min(1).max(5).default(2),
  dim: z.number().int().positive().default(32),
  minCount: z.number().int().positive().default(1),
  bucket: z.number().int().positive().default(50_000).describe('Hash buckets for word n-grams; the model file is about 4 x bucket x dim bytes'),
});
export type FastTextParams = z.infer<typeof FastTextParams>;

export const ClassMetrics = z.object({
  label: z.string(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  support: z.number().int().nonnegative().describe('Held-out examples whose true label is this one'),
});
export type ClassMetrics = z.infer<typeof ClassMetrics>;

export const ModelReport = z.object({
  name: z.string(),
  modelUri: z.string(),
  labels: z.array(z.string()),
  trainExamples: z.number().int().nonnegative(),
  heldOutExamples: z.number().int().nonnegative(),
  accuracy: z.number(),
  perClass: z.array(ClassMetrics),
  macroF1: z.number(),
});
export type ModelReport = z.infer<typeof ModelReport>;

/**
 * The trained classifiers of one run. `educational` carries the STEM-heavy signal: high versus
 * low educational value over all topics. `nonStemEducational` asks the same question of
 * non-STEM documents only. `topic` routes a document to one of the two and to its threshold.
 * Reference-trained runs (positive and negative files) have only `educational`.
 */
export const QualityModels = z.object({
  kind: z.literal('quality-models'),
  source: z.enum(['annotations', 'reference_files']),
  educational: ModelReport,
  nonStemEducational: ModelReport.optional(),
  topic: ModelReport.optional(),
  educationalThreshold: z.number().int().min(1).max(5).describe('Annotations with at least this educational value are the positive class'),
  skipped: z.array(z.string()).describe('Models not trained, each with the reason'),
  createdAt: z.string(),
});
export type QualityModels = z.infer<typeof QualityModels>;

export const SampleForAnnotationInput = z.object({
  documentUris: z.array(z.string()).min(1).describe('JSON Lines of Document, plain or .gz'),
  sampleSize: z.number().int().positive().default(2000),
  seed: z.number().int().default(0),
  maxChars: z.number().int().positive().default(6000).describe('Characters of each document shown to the annotator'),
  workUri: z.string().describe('Where sample.jsonl.gz and requests.jsonl go'),
});
export type SampleForAnnotationInput = z.input<typeof SampleForAnnotationInput>;

export const SampleForAnnotationOutput = z.object({
  sampleUri: z.string(),
  requestsUri: z.string(),
  sampled: z.number().int().nonnegative(),
  seen: z.number().int().nonnegative(),
});
export type SampleForAnnotationOutput = z.infer<typeof SampleForAnnotationOutput>;

const TrainCommon = z.object({
  modelsUri: z.string().describe('Prefix the model files and models.json go under'),
  heldOutFraction: z.number().gt(0).lt(1).default(0.2),
  seed: z.number().int().default(0),
  fastText: FastTextParams.prefault({}),
});

export const TrainFromAnnotationsInput = TrainCommon.extend({
  sampleUri: z.string(),
  annotationsUri: z.string().describe('LlmResult lines from the annotator role'),
  educationalThreshold: z.number().int().min(1).max(5).default(3).describe('Educational value at or above which a document counts as high quality'),
  minExamplesPerClass: z.number().int().positive().default(5).describe('A model with fewer examples of a class is skipped'),
});
export type TrainFromAnnotationsInput = z.input<typeof TrainFromAnnotationsInput>;

export const TrainFromReferencesInput = TrainCommon.extend({
  positiveUris: z.array(z.string()).min(1).describe('Documents of the quality to keep, such as curated instruction data'),
  negativeUris: z.array(z.string()).min(1).describe('Documents of the quality to drop, such as a random web sample'),
});
export type TrainFromReferencesInput = z.input<typeof TrainFromReferencesInput>;

export const TrainOutput = z.object({
  modelsManifestUri: z.string(),
  models: QualityModels,
});
export type TrainOutput = z.infer<typeof TrainOutput>;

export const QualityThresholds = z
  .object({
    default: z.number().min(0).max(1).default(0.5),
    byTopic: z.partialRecord(Topic, z.number().min(0).max(1)).default({}),
  })
  .describe('Minimum probability of the high-quality class a kept document needs, per topic');
export type QualityThresholds = z.infer<typeof QualityThresholds>;

export const ScoreQualityShardInput = z.object({
  modelsManifestUri: z.string(),
  inputUri: z.string().describe('Documents shard to score'),
  documentsUri: z.string().describe('Kept documents, with scores in metadata'),
  rejectedUri: z.string().describe('Documents below their threshold, with the score'),
  thresholds: QualityThresholds.prefault({}),
});
export type ScoreQualityShardInput = z.input<typeof ScoreQualityShardInput>;

export const ScoreQualityShardOutput = z.object({
  documentsUri: z.string(),
  rejectedUri: z.string(),
  stats: StageStats,
  keptByTopic: z.record(z.string(), z.number().int().nonnegative()),
});
export type ScoreQualityShardOutput = z.infer<typeof ScoreQualityShardOutput>;

export const QualityClassifierWorkflowInput = z.object({
  documentUris: z.array(z.string()).default([]).describe('Shards to sample for training and to score'),
  workUri: z.string().default('.corpusflow/quality-classifier'),
  llm: LlmConfig.optional().describe('With an annotator role, train from annotations; otherwise from reference files'),
  llmMode: z.enum(['online', 'batch']).default('online'),
  positiveUris: z.array(z.string()).default([]),
  negativeUris: z.array(z.string()).default([]),
  sampleSize: z.number().int().positive().default(2000),
  seed: z.number().int().default(0),
  educationalThreshold: z.number().int().min(1).max(5).default(3),
  thresholds: QualityThresholds.prefault({}),
  fastText: FastTextParams.prefault({}),
});
export type QualityClassifierWorkflowInput = z.input<typeof QualityClassifierWorkflowInput>;

export const QualityClassifierWorkflowOutput = z.object({
  modelsManifestUri: z.string().nullable(),
  models: QualityModels.nullable(),
  shards: z.array(ScoreQualityShardOutput),
  stats: StageStats,
  llmUsage: LlmUsage,
  skippedReason: z.string().optional(),
});
export type QualityClassifierWorkflowOutput = z.infer<typeof QualityClassifierWorkflowOutput>;
