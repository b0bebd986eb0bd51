// Checks that each original program passes its own tests before any stage builds on it: a record
// whose tests fail as written could never tell a good model output from a bad one.
import type { RejectedRecord } from '../../schemas/document';
import { heartbeat } from '../llm/log';
import { emptyOutcomeCounts, type SandboxLimits } from '../sandbox/schema';
import { mapSandboxed, runRecordTests, type SandboxRunner } from './run-tests';
import type { CodeWithTests } from './schema';

export interface LoadedRecord {
  record: CodeWithTests;
  recordIndex: number;
}

export interface VerifiedRecords {
  verified: LoadedRecord[];
  /** Sandbox outcome counts of the original programs, every outcome listed. */
  outcomes: Record<string, number>;
}

/** Returns the records that pass; the others are appended to `rejected` with their outcome. */
export async function verifyOriginals(
  runner: SandboxRunner,
  context: { stage: string; inputUri: string; limits: Partial<SandboxLimits> },
  records: LoadedRecord[],
  rejected: RejectedRecord[],
): Promise<VerifiedRecords> {
  let done = 0;
  const results = await mapSandboxed(runner, records, async ({ record }) => {
    const result = await runRecordTests(runner, record, record.code, context.limits);
    done += 1;
    heartbeat({ phase: 'verify', done });
    return result;
  });

  const verified: LoadedRecord[] = [];
  const outcomes: Record<string, number> = emptyOutcomeCounts();
  for (const [index, entry] of records.entries()) {
    const result = results[index]!;
    outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
    if (result.outcome === 'passed') {
      verified.push(entry);
      continue;
    }
    rejected.push({
      id: entry.record.id,
      stage: context.stage,
      reason: 'original_failed_tests',
      inputUri: context.inputUri,
      recordIndex: entry.recordIndex,
      detail: `${context.inputUri} record ${entry.record.id}: the original code ended with ${result.outcome} (${result.failingTest ?? result.message ?? ''}) when run against its own tests`,
      measurements: { outcome: result.outcome, tracebackTail: result.tracebackTail },
    });
  }
  return { verified, outcomes };
}
