// Runs a record's tests against some version of its code, many records at a time.
import os from 'node:os';
import pLimit from 'p-limit';
import type { SandboxConfig } from '../sandbox/config';
import { runInSandbox } from '../sandbox/run';
import type { SandboxLimits, SandboxResult } from '../sandbox/schema';
import type { CodeWithTests } from './schema';

/** The sandbox a stage runs code in, as the worker's startup check resolved it. */
export interface SandboxRunner {
  config: SandboxConfig;
  isolation: 'bubblewrap' | 'unsafe';
  /** Sandboxed runs at once; the number of CPUs when unset. */
  concurrency?: number;
}

export function runRecordTests(runner: SandboxRunner, record: CodeWithTests, code: string, limits: Partial<SandboxLimits>): Promise<SandboxResult> {
  return runInSandbox(
    runner.config,
    { language: record.language, program: code, tests: record.tests, testStyle: record.testStyle, entryPoint: record.entryPoint, moduleName: record.moduleName, limits },
    runner.isolation,
  );
}

/** Maps `items` through `run` with at most `runner.concurrency` runs in flight, keeping order. */
export async function mapSandboxed<T, R>(runner: SandboxRunner, items: T[], run: (item: T) => Promise<R>): Promise<R[]> {
  const limit = pLimit(runner.concurrency ?? os.availableParallelism());
  return Promise.all(items.map((item) => limit(() => run(item))));
}
