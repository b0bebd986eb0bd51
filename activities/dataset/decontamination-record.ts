// Reads the decontamination stage manifest into the record a dataset manifest carries.
import { ApplicationFailure } from '@temporalio/common';
import { IndexedBenchmark, type HitCounts } from '../../schemas/decontaminate';
import type { DecontaminationRecord } from '../../schemas/dataset';
import { StageManifest } from '../near-dedup/manifest';
import { storageFor } from '../storage';

/** Returns the benchmark sets, counts and hits of a decontamination stage manifest. */
export async function readDecontaminationRecord(manifestUri: string): Promise<DecontaminationRecord> {
  const storage = await storageFor(manifestUri);
  if (!(await storage.stat(manifestUri))) {
    throw ApplicationFailure.nonRetryable(`Decontamination manifest not found: ${manifestUri}`, 'InvalidDecontaminationManifest');
  }
  const text = (await storage.readBytes(manifestUri)).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw ApplicationFailure.nonRetryable(`Decontamination manifest ${manifestUri} is not valid JSON: ${(error as Error).message}`, 'InvalidDecontaminationManifest');
  }
  const parsed = StageManifest.safeParse(json);
  const benchmarks = parsed.success ? IndexedBenchmark.array().safeParse(parsed.data.details.decontaminatedAgainst) : undefined;
  if (!parsed.success || parsed.data.stage !== 'decontaminate' || !benchmarks?.success) {
    throw ApplicationFailure.nonRetryable(`${manifestUri} is not a decontamination stage manifest: it lists no benchmark sets`, 'InvalidDecontaminationManifest');
  }
  return {
    manifestUri,
    benchmarks: benchmarks.data.map((set) => ({ name: set.name, items: set.items, files: set.files.map(({ uri, sha256 }) => ({ uri, sha256 })) })),
    documentsChecked: parsed.data.stats?.total ?? 0,
    documentsRemoved: parsed.data.stats?.dropped ?? 0,
    hits: (parsed.data.details.hits ?? {}) as HitCounts,
  };
}
