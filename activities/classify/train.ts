// Trains the quality classifiers, from annotator labels or from positive and negative reference
// files (the DCLM recipe), reports held-out metrics, and writes the models and models.json.
// models.json is written last, so it marks a finished training run that a retry reuses.
import { ApplicationFailure } from '@temporalio/common';
import { Document } from '../../schemas/document';
import { LlmResult } from '../../schemas/llm';
import { QualityAnnotation, QualityModels, TrainFromAnnotationsInput, TrainFromReferencesInput, TrainOutput } from '../../schemas/quality-classifier';
import type { FastTextParams, ModelReport } from '../../schemas/quality-classifier';
import { readJsonlRecords } from '../shards/jsonl-reader';
import { joinUri, storageFor } from '../storage';
import { activityLogger, heartbeat } from '../llm/log';
import { loadClassifier } from './fasttext';
import { classificationMetrics } from './metrics';
import { stratifiedSplit } from './split';
import { trainInThread } from './train-pool';

interface Example {
  id: string;
  label: string;
  text: string;
}

export async function trainFromAnnotations(rawInput: TrainFromAnnotationsInput): Promise<TrainOutput> {
  const input = TrainFromAnnotationsInput.parse(rawInput);
  const manifestUri = joinUri(input.modelsUri, 'models.json');
  const existing = await readModels(manifestUri);
  if (existing) return existing;

  const texts = new Map<string, string>();
  for await (const record of readJsonlRecords<{ id: string; text: string }>(input.sampleUri)) texts.set(record.id, record.text);
  const annotated: Array<{ id: string; text: string; annotation: QualityAnnotation }> = [];
  for await (const record of readJsonlRecords(input.annotationsUri)) {
    const result = LlmResult.parse(record);
    const annotation = QualityAnnotation.safeParse(result.output);
    const text = texts.get(result.id);
    if (result.status === 'ok' && annotation.success && text !== undefined) annotated.push({ id: result.id, text, annotation: annotation.data });
  }

  const quality = (value: number) => (value >= input.educationalThreshold ? 'high' : 'low');
  const candidates = {
    educational: annotated.map((item) => ({ id: item.id, text: item.text, label: quality(item.annotation.educational_value) })),
    nonStemEducational: annotated.filter((item) => item.annotation.topic !== 'stem').map((item) => ({ id: item.id, text: item.text, label: quality(item.annotation.educational_value) })),
    topic: annotated.map((item) => ({ id: item.id, text: item.text, label: item.annotation.topic })),
  };

  const skipped: string[] = [];
  const reports: Partial<Record<keyof typeof candidates, ModelReport>> = {};
  for (const [name, examples] of Object.entries(candidates) as Array<[keyof typeof candidates, Example[]]>) {
    const problem = trainingDataProblem(examples, input.minExamplesPerClass);
    if (problem) {
      skipped.push(`${name}: ${problem}`);
      continue;
    }
    heartbeat({ training: name });
    reports[name] = await trainAndEvaluate(name, examples, input.modelsUri, input.heldOutFraction, input.seed, input.fastText);
  }
  if (!reports.educational) {
    throw ApplicationFailure.nonRetryable(
      `Cannot train the educational-value classifier from ${input.annotationsUri}: ${skipped[0]} (${annotated.length} usable annotations). Annotate more documents or lower educationalThreshold.`,
      'QualityTrainingDataInsufficient',
    );
  }

  const models: QualityModels = {
    kind: 'quality-models',
    source: 'annotations',
    educational: reports.educational,
    nonStemEducational: reports.nonStemEducational,
    topic: reports.topic,
    educationalThreshold: input.educationalThreshold,
    skipped,
    createdAt: new Date().toISOString(),
  };
  return writeModels(manifestUri, models);
}

export async function trainFromReferences(rawInput: TrainFromReferencesInput): Promise<TrainOutput> {
  const input = TrainFromReferencesInput.parse(rawInput);
  const manifestUri = joinUri(input.modelsUri, 'models.json');
  const existing = await readModels(manifestUri);
  if (existing) return existing;

  const examples = [...(await readReferenceExamples(input.positiveUris, 'high')), ...(await readReferenceExamples(input.negativeUris, 'low'))];
  const problem = trainingDataProblem(examples, 1);
  if (problem) {
    throw ApplicationFailure.nonRetryable(`Cannot train from reference files: ${problem}. Positive files: ${input.positiveUris.join(', ')}; negative files: ${input.negativeUris.join(', ')}.`, 'QualityTrainingDataInsufficient');
  }
  const educational = await trainAndEvaluate('educational', examples, input.modelsUri, input.heldOutFraction, input.seed, input.fastText);
  const models: QualityModels = { kind: 'quality-models', source: 'reference_files', educational, educationalThreshold: 1, skipped: ['nonStemEducational: reference files carry no topics', 'topic: reference files carry no topics'], createdAt: new Date().toISOString() };
  return writeModels(manifestUri, models);
}

/** Says why examples cannot train a classifier, or returns undefined when they can. */
function trainingDataProblem(examples: Example[], minPerClass: number): string | undefined {
  const counts = new Map<string, number>();
  for (const example of examples) counts.set(example.label, (counts.get(example.label) ?? 0) + 1);
  if (counts.size < 2) return `needs at least two classes, found ${counts.size} (${[...counts.keys()].join(', ') || 'none'})`;
  const small = [...counts].filter(([, count]) => count < minPerClass);
  if (small.length > 0) return `classes with fewer than ${minPerClass} examples: ${small.map(([label, count]) => `${label}=${count}`).join(', ')}`;
  return undefined;
}

async function trainAndEvaluate(name: string, examples: Example[], modelsUri: string, heldOutFraction: number, seed: number, params: FastTextParams): Promise<ModelReport> {
  const { train, heldOut } = stratifiedSplit(examples, heldOutFraction, seed);
  // Training runs in another thread for minutes on a large sample; keep the activity alive.
  const ticker = setInterval(() => heartbeat({ training: name }), 10_000);
  const bytes = await trainInThread({ examples: train, params, seed }).finally(() => clearInterval(ticker));
  const modelUri = joinUri(modelsUri, `${name}.bin`);
  await (await storageFor(modelUri)).write(modelUri, Buffer.from(bytes));

  const classifier = await loadClassifier(bytes);
  const predictions = heldOut.map((example) => ({ expected: example.label, predicted: argmax(classifier.predict(example.text)) }));
  const labels = [...new Set(examples.map((example) => example.label))].sort();
  const metrics = classificationMetrics(labels, predictions);
  activityLogger().info('Trained quality classifier', { name, train: train.length, heldOut: heldOut.length, accuracy: metrics.accuracy, macroF1: metrics.macroF1 });
  return { name, modelUri, labels, trainExamples: train.length, heldOutExamples: heldOut.length, ...metrics };
}

export function argmax(probabilities: Map<string, number>): string {
  let best = '';
  let bestProbability = -1;
  for (const [label, probability] of probabilities) {
    if (probability > bestProbability) {
      best = label;
      bestProbability = probability;
    }
  }
  return best;
}

async function readReferenceExamples(uris: string[], label: string): Promise<Example[]> {
  const examples: Example[] = [];
  for (const uri of uris) {
    for await (const record of readJsonlRecords(uri)) {
      const document = Document.pick({ id: true, text: true }).parse(record);
      examples.push({ id: `${label}:${document.id}`, label, text: document.text });
    }
  }
  return examples;
}

async function readModels(uri: string): Promise<TrainOutput | undefined> {
  const storage = await storageFor(uri);
  if (!(await storage.stat(uri))) return undefined;
  return { modelsManifestUri: uri, models: QualityModels.parse(JSON.parse((await storage.readBytes(uri)).toString('utf8'))) };
}

async function writeModels(uri: string, models: QualityModels): Promise<TrainOutput> {
  await (await storageFor(uri)).write(uri, JSON.stringify(models, null, 2) + '\n');
  return { modelsManifestUri: uri, models };
}
