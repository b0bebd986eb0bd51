// The `nightlyRefresh` workflow, started by a Temporal Schedule: selects the input files that
// no published version has processed, runs the pipeline on them as a child workflow, drops
// documents whose text is already published, and publishes the next dataset version.
import { defineQuery, executeChild, log, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type * as refreshActivities from '../activities/refresh';
import { NightlyRefreshInput } from '../schemas/refresh';
import type { NightlyRefreshResult, RefreshProgress } from '../schemas/refresh';
import { joinUri } from '../schemas/layout';
import { pipeline } from './pipeline';
import { parseWorkflowInput } from './validate';

export const refreshProgressQuery = defineQuery<RefreshProgress>('progress');

// Listing and hashing new inputs, and reading every new document once, are bounded by one
// night's input; heartbeats catch a dead worker within two minutes. Activities run on the
// workflow's own queue, which is `cpu` (or its prefixed name).
const refresh = proxyActivities<typeof refreshActivities>({
  startToCloseTimeout: '6 hours',
  heartbeatTimeout: '2 minutes',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    maximumAttempts: 10,
    nonRetryableErrorTypes: ['InputNotFound', 'VersionManifestMissing', 'RunManifestMissing', 'ConcurrentPublish'],
  },
});

export async function nightlyRefresh(rawInput: unknown = {}): Promise<NightlyRefreshResult> {
  const input = parseWorkflowInput('nightlyRefresh', NightlyRefreshInput, rawInput);
  const { workflowId } = workflowInfo();
  const progress: RefreshProgress = { stage: 'select', version: 0, newFiles: 0, shardsDone: 0, shardsTotal: 0, kept: 0, dropped: 0, manifestHits: 0, finished: false };
  setHandler(refreshProgressQuery, () => progress);

  const selection = await refresh.selectNewInputs({ input: input.input, output: input.output, exclude: input.exclude });
  progress.version = selection.version;
  progress.newFiles = selection.newFiles;
  const result = { dataset: input.dataset, newFiles: selection.newFiles, knownFiles: selection.knownFiles };
  if (selection.newFiles === 0) {
    log.info('No new inputs; nothing to publish', { dataset: input.dataset, latestVersion: selection.previousVersion });
    progress.stage = 'done';
    progress.finished = true;
    return { ...result, published: false, version: selection.previousVersion, documents: 0, duplicates: 0 };
  }

  progress.stage = 'pipeline';
  const nearDedup = input.pipeline.nearDedup;
  const pipelineInput = {
    ...input.pipeline,
    input: selection.stagedInput,
    output: selection.pipelineOutput,
    // Near-dedup compares new documents with every published version through its persistent
    // MinHash index. The index names its segments after the pipeline output, which stays the
    // same for every attempt at one version, so a retried version never matches itself.
    nearDedup: { enabled: nearDedup?.enabled ?? true, options: { ...nearDedup?.options, indexUri: nearDedup?.options.indexUri ?? joinUri(input.output, 'near-dedup-index') } },
  };
  const pipelineWorkflowId = `${workflowId}/pipeline`;
  progress.pipelineWorkflowId = pipelineWorkflowId;
  const summary = await executeChild(pipeline, { workflowId: pipelineWorkflowId, args: [pipelineInput] });

  progress.stage = 'dedup';
  const dedup = await refresh.dedupAgainstPublished({ output: input.output, version: selection.version, runManifestUri: summary.manifestUri });

  progress.kept = dedup.stats.kept;
  progress.dropped = dedup.stats.dropped;
  progress.stage = 'publish';
  const published = await refresh.publishVersion({
    dataset: input.dataset,
    input: input.input,
    output: input.output,
    workflowId,
    selection,
    pipeline: { workflowId: pipelineWorkflowId, manifestUri: summary.manifestUri, configHash: summary.configHash },
    dedup,
  });
  progress.stage = 'done';
  progress.finished = true;

  log.info('Dataset version published', { dataset: input.dataset, version: published.version, kept: dedup.stats.kept, duplicates: dedup.stats.dropped });
  return { ...result, published: true, version: published.version, manifestUri: published.manifestUri, documents: dedup.stats.kept, duplicates: dedup.stats.dropped };
}
