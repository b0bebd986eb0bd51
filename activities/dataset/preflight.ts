// The check a training launch runs before it schedules any GPU work: the dataset must carry a
// decontamination record naming the benchmark sets it was checked against. Benchmark scores
// mean nothing once test items leak into training, so a dataset without the record is rejected
// rather than trained on with a warning.
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { CheckDatasetForTrainingInput, DecontaminationRecord, type CheckDatasetForTrainingOutput } from '../../schemas/dataset';
import { storageFor } from '../storage';
import { readDecontaminationRecord } from './decontamination-record';

// Run manifests (pipeline output), dataset manifests (synthetic data) and the version manifests
// of nightly refreshes all carry the record under the same key. The check needs nothing else.
const ManifestWithRecord = z.object({
  kind: z.enum(['run', 'dataset', 'dataset-version']),
  decontamination: DecontaminationRecord.optional(),
});

const REBUILD = 'Rebuild the dataset with the decontaminate stage enabled and launch from its new manifest.';
const NOT_A_MANIFEST = 'Pass a run manifest (<output>/manifest.json), a dataset.manifest.json or a refresh version manifest (versions/vNNNN/manifest.json).';
const EDITED = 'The record no longer matches the stage that wrote it; rebuild the dataset instead of editing its manifests.';

/** Throws the non-retryable failure that stops a launch, naming the dataset, the reason and the fix. */
function rejectDataset(manifestUri: string, reason: string, fix: string, type = 'DatasetNotDecontaminated'): never {
  throw ApplicationFailure.nonRetryable(`Refusing to train on ${manifestUri}: ${reason}. ${fix}`, type);
}

export async function checkDatasetForTraining(rawInput: CheckDatasetForTrainingInput): Promise<CheckDatasetForTrainingOutput> {
  const input = CheckDatasetForTrainingInput.parse(rawInput);
  const { manifestUri } = input;
  const storage = await storageFor(manifestUri);
  if (!(await storage.stat(manifestUri))) {
    throw ApplicationFailure.nonRetryable(`Dataset manifest not found: ${manifestUri}`, 'DatasetManifestNotFound');
  }
  // Read outside the try, so a storage error stays retryable and is not reported as bad JSON.
  const text = (await storage.readBytes(manifestUri)).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw ApplicationFailure.nonRetryable(`${manifestUri} is not valid JSON: ${(error as Error).message}`, 'InvalidDatasetManifest');
  }
  const parsed = ManifestWithRecord.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const reason = `it is not a run, dataset or dataset version manifest (field "${issue.path.join('.')}": ${issue.message})`;
    rejectDataset(manifestUri, reason, NOT_A_MANIFEST, 'InvalidDatasetManifest');
  }
  const record = parsed.data.decontamination;
  if (!record) rejectDataset(manifestUri, 'it has no decontamination record', REBUILD);
  if (record.benchmarks.length === 0) rejectDataset(manifestUri, 'its decontamination record names no benchmark set', REBUILD);

  // The record is a copy, so the stage manifest it names must still exist and agree with it.
  const stage = await readDecontaminationRecord(record.manifestUri).catch((error: unknown) => {
    if (error instanceof ApplicationFailure && error.type === 'InvalidDecontaminationManifest') rejectDataset(manifestUri, error.message, EDITED);
    throw error;
  });
  const names = record.benchmarks.map((set) => set.name);
  const stageNames = new Set(stage.benchmarks.map((set) => set.name));
  const unconfirmed = names.filter((name) => !stageNames.has(name));
  if (unconfirmed.length > 0) rejectDataset(manifestUri, `its record names ${unconfirmed.join(', ')}, which ${record.manifestUri} does not list`, EDITED);

  const missing = input.requiredBenchmarks.filter((name) => !names.includes(name));
  if (missing.length > 0) {
    rejectDataset(
      manifestUri,
      `it was not decontaminated against ${missing.join(', ')} (it was against ${names.join(', ')})`,
      'Add the missing sets to decontaminate.options.benchmarks and rebuild the dataset.',
    );
  }
  return { manifestUri, benchmarks: names };
}
