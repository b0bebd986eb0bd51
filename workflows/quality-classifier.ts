// The learned quality-classifier stage: sample documents, have the annotator role rate them
// (through the llmRequests child workflow on the `llm` queue), train fastText classifiers on
// the `cpu` queue, then score every shard and keep documents above their topic's threshold.
// Without an annotator the classifier is trained from reference files. Without either, the
// stage is skipped with a log line and the reason in its output.
import { executeChild, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type * as classifyActivities from '../activities/classify';
import { addUsage, emptyUsage } from '../schemas/llm';
import { QualityClassifierWorkflowInput } from '../schemas/quality-classifier';
import type { QualityClassifierWorkflowOutput, ScoreQualityShardOutput, TrainOutput } from '../schemas/quality-classifier';
import { addStats, emptyStats } from '../schemas/stats';
import { llmRequests } from './llm-batch';
import { queueFor } from './queues';
import { parseWorkflowInput } from './validate';

/** Shards scored at once; each activity is single-threaded, and a worker has a few cores. */
const scoringLanes = 4;

function cpuActivityProxies() {
  return proxyActivities<typeof classifyActivities>({
    taskQueue: queueFor('cpu'),
    // Sampling reads every shard once and training runs many epochs; both heartbeat as they go.
    startToCloseTimeout: '2 hours',
    heartbeatTimeout: '5 minutes',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 5 },
  });
}

export async function qualityClassifier(rawInput: unknown = {}): Promise<QualityClassifierWorkflowOutput> {
  const input = parseWorkflowInput('qualityClassifier', QualityClassifierWorkflowInput, rawInput);
  const activities = cpuActivityProxies();
  const llmUsage = emptyUsage();

  let trained: TrainOutput;
  const annotationUri = `${input.workUri}/annotation`;
  const modelsUri = `${input.workUri}/models`;
  if (input.llm?.roles.annotator && input.documentUris.length > 0) {
    const sample = await activities.sampleForAnnotation({ documentUris: input.documentUris, sampleSize: input.sampleSize, seed: input.seed, workUri: annotationUri });
    const annotated = await executeChild(llmRequests, {
      args: [{ config: input.llm, role: 'annotator', requestsUri: sample.requestsUri, outputUri: `${annotationUri}/annotations.jsonl.gz`, mode: input.llmMode }],
      workflowId: `${workflowInfo().workflowId}-annotate`,
    });
    addUsage(llmUsage, annotated.usage);
    trained = await activities.trainFromAnnotations({
      sampleUri: sample.sampleUri,
      annotationsUri: annotated.outputUri,
      modelsUri,
      educationalThreshold: input.educationalThreshold,
      seed: input.seed,
      fastText: input.fastText,
    });
  } else if (input.positiveUris.length > 0 && input.negativeUris.length > 0) {
    trained = await activities.trainFromReferences({ positiveUris: input.positiveUris, negativeUris: input.negativeUris, modelsUri, seed: input.seed, fastText: input.fastText });
  } else {
    const skippedReason = input.documentUris.length === 0 && input.llm?.roles.annotator
      ? 'no documentUris to sample for annotation'
      : 'no annotator role in llm.roles and no positiveUris and negativeUris reference files';
    log.info('Quality classifier stage skipped', { reason: skippedReason });
    return { modelsManifestUri: null, models: null, shards: [], stats: emptyStats(), llmUsage, skippedReason };
  }

  const shards = await scoreShards(activities, input.documentUris, trained.modelsManifestUri, input);
  const stats = emptyStats();
  for (const shard of shards) addStats(stats, shard.stats);
  log.info('Quality classifier stage finished', {
    source: trained.models.source,
    educationalMacroF1: trained.models.educational.macroF1,
    kept: stats.kept,
    dropped: stats.dropped,
    costUsd: llmUsage.costUsd,
  });
  return { modelsManifestUri: trained.modelsManifestUri, models: trained.models, shards, stats, llmUsage };
}

async function scoreShards(
  activities: ReturnType<typeof cpuActivityProxies>,
  documentUris: string[],
  modelsManifestUri: string,
  input: QualityClassifierWorkflowInput & { workUri: string },
): Promise<ScoreQualityShardOutput[]> {
  const results: ScoreQualityShardOutput[] = new Array(documentUris.length);
  let next = 0;
  const lane = async () => {
    while (next < documentUris.length) {
      const index = next;
      next += 1;
      const name = `shard-${String(index).padStart(5, '0')}.jsonl.gz`;
      results[index] = await activities.scoreQualityShard({
        modelsManifestUri,
        inputUri: documentUris[index]!,
        documentsUri: `${input.workUri}/scored/${name}`,
        rejectedUri: `${input.workUri}/scored/rejected/${name}`,
        thresholds: input.thresholds,
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(scoringLanes, documentUris.length) }, lane));
  return results;
}
