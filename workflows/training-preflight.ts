// The `trainingPreflight` workflow: the first step of every training launch. It checks, on the
// launcher queue, that each dataset the launch would read carries a decontamination record, and
// fails without retries naming the first dataset that does not.
import { proxyActivities } from '@temporalio/workflow';
import { z } from 'zod';
import type * as datasetActivities from '../activities/dataset';
import type { CheckDatasetForTrainingOutput } from '../schemas/dataset';
import { queueFor } from './queues';
import { parseWorkflowInput } from './validate';

export const TrainingPreflightInput = z.object({
  datasets: z.array(z.string()).min(1).describe('Run manifests (manifest.json), dataset manifests (dataset.manifest.json) or refresh version manifests the launch reads'),
  requiredBenchmarks: z.array(z.string()).default([]).describe('Benchmark sets every dataset must have been decontaminated against'),
});
export type TrainingPreflightInput = z.input<typeof TrainingPreflightInput>;

export async function trainingPreflight(rawInput: TrainingPreflightInput): Promise<CheckDatasetForTrainingOutput[]> {
  const input = parseWorkflowInput('trainingPreflight', TrainingPreflightInput, rawInput);
  // Reading one manifest and one stage manifest takes seconds, and a rejection is not retried.
  const launcher = proxyActivities<typeof datasetActivities>({
    taskQueue: queueFor('launcher'),
    startToCloseTimeout: '5 minutes',
    retry: {
      initialInterval: '2 seconds',
      maximumAttempts: 5,
      nonRetryableErrorTypes: ['DatasetNotDecontaminated', 'DatasetManifestNotFound', 'InvalidDatasetManifest'],
    },
  });
  const checked: CheckDatasetForTrainingOutput[] = [];
  for (const manifestUri of input.datasets) {
    checked.push(await launcher.checkDatasetForTraining({ manifestUri, requiredBenchmarks: input.requiredBenchmarks }));
  }
  return checked;
}
