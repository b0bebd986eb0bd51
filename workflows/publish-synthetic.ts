// The last step of every synthetic-data workflow: remove near duplicates (when enabled),
// decontaminate the records against the benchmark sets, then write the dataset manifest that
// records which sets they were checked against. A dataset published without decontamination has
// no record, and training launches reject it.
import { executeChild, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type * as datasetActivities from '../activities/dataset';
import type { HitCounts } from '../schemas/decontaminate';
import type { SyntheticDecontamination, SyntheticNearDedup } from '../schemas/dataset';
import { joinUri } from '../schemas/layout';
import { shardUriAt, type ShardSet } from '../schemas/shard-set';
import { decontaminate } from './decontaminate';
import { nearDedup } from './near-dedup';
import { queueFor } from './queues';

/** Patch id of the step, so runs started before it existed replay without it. */
export const PUBLISH_SYNTHETIC_PATCH = 'decontaminate-synthetic-datasets';

/** Result of the publishing step: the dataset, its manifest and what each check removed. */
export interface SyntheticPublication {
  /** URI of the published records: the output of the last step that ran (decontamination, near-dedup or neither). */
  datasetUri: string;
  datasetManifestUri: string;
  records: number;
  nearDuplicates?: { clusters: number; removed: number; clustersUri: string };
  decontamination?: { manifestUri: string; benchmarks: string[]; checked: number; removed: number; hits: HitCounts };
}

export async function publishSyntheticDataset(args: {
  dataset: string;
  documentsUri: string;
  outputUri: string;
  settings: SyntheticDecontamination;
  nearDedupSettings: SyntheticNearDedup;
}): Promise<SyntheticPublication> {
  const { dataset, documentsUri, outputUri, settings, nearDedupSettings } = args;
  const { workflowId } = workflowInfo();
  // Counting and hashing one dataset file takes seconds to minutes.
  const cpu = proxyActivities<typeof datasetActivities>({
    taskQueue: queueFor('cpu'),
    startToCloseTimeout: '30 minutes',
    retry: {
      initialInterval: '2 seconds',
      maximumInterval: '1 minute',
      maximumAttempts: 5,
      nonRetryableErrorTypes: ['InvalidDecontaminationManifest'],
    },
  });
  const datasetManifestUri = joinUri(outputUri, 'dataset.manifest.json');

  let shards: ShardSet = { uris: [documentsUri] };
  let nearDuplicates: SyntheticPublication['nearDuplicates'];
  if (nearDedupSettings.enabled) {
    const deduplicated = await executeChild(nearDedup, {
      args: [{ shards, outputUri: joinUri(outputUri, 'near-dedup'), options: nearDedupSettings.options }],
      taskQueue: queueFor('cpu'),
      workflowId: `${workflowId}-near-dedup`,
    });
    shards = deduplicated.shards;
    nearDuplicates = { clusters: deduplicated.clusters, removed: deduplicated.stats.dropped, clustersUri: deduplicated.clustersUri };
  }

  if (!settings.enabled) {
    log.warn('Synthetic dataset published without decontamination, so training launches will reject it. Set decontaminate.enabled to check it.', { dataset, documentsUri });
    const written = await cpu.writeDatasetManifest({ dataset, workflowId, shards, manifestUri: datasetManifestUri });
    return { datasetUri: shardUriAt(shards, 0), datasetManifestUri, records: written.records, nearDuplicates };
  }

  // NOTE: the child builds its own benchmark n-gram index in this folder, because indexes are not
  // shared between stages or runs yet. That costs one index build per synthetic dataset.
  const checked = await executeChild(decontaminate, {
    args: [{ shards, outputUri: joinUri(outputUri, 'decontaminate'), options: settings.options }],
    taskQueue: queueFor('cpu'),
    workflowId: `${workflowId}-decontaminate`,
  });
  const datasetUri = shardUriAt(checked.shards, 0);
  const written = await cpu.writeDatasetManifest({
    dataset,
    workflowId,
    shards: checked.shards,
    manifestUri: datasetManifestUri,
    decontaminationManifestUri: checked.manifestUri,
  });
  log.info('Synthetic dataset decontaminated and published', { dataset, records: written.records, removed: checked.stats.dropped, hits: JSON.stringify(checked.hits) });
  return {
    datasetUri,
    datasetManifestUri,
    records: written.records,
    nearDuplicates,
    decontamination: { manifestUri: checked.manifestUri, benchmarks: checked.benchmarks, checked: checked.stats.total, removed: checked.stats.dropped, hits: checked.hits },
  };
}
