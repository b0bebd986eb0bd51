// Runs one phase of a corpus workflow as batch child workflows. It resumes at a given batch and
// stops once the run has started its share of children. A workflow over thousands of shards
// then continues as new between batches, with a small event history.
import { workflowInfo } from '@temporalio/workflow';

/** Returns the workflow id of batch `batch` of a phase: stable across continue-as-new, so a retried batch is the same child. */
export function batchChildId(phase: string, batch: number): string {
  return `${workflowInfo().workflowId}-${phase}-${String(batch).padStart(5, '0')}`;
}

export interface BatchFanOut {
  /** Batches the phase has in all. */
  batches: number;
  /** The first batch not yet run (0 unless a continued run resumes mid-phase). */
  nextBatch: number;
  /** Children to run at once. */
  inFlight: number;
  /** Counts children started by this workflow run; the fan-out stops starting them at `limit`. */
  started: { count: number; limit: number };
  runBatch: (batch: number) => Promise<void>;
}

/** Runs batches from `nextBatch` on and returns the first batch it did not start. */
export async function fanOutBatches(fanOut: BatchFanOut): Promise<number> {
  let next = fanOut.nextBatch;
  const lane = async () => {
    while (next < fanOut.batches && fanOut.started.count < fanOut.started.limit) {
      const batch = next;
      next += 1;
      fanOut.started.count += 1;
      await fanOut.runBatch(batch);
    }
  };
  const lanes = Math.max(1, Math.min(fanOut.inFlight, fanOut.batches - fanOut.nextBatch));
  await Promise.all(Array.from({ length: lanes }, lane));
  return next;
}
