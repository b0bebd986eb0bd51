// Runs corpusflow's real workers against a test's Temporal dev server, on a unique queue prefix.
import { bundleWorkflowCode, type Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { readWorkerEnv, type TaskQueue } from '../../workers/config';
import { createWorker, workflowsPath } from '../../workers/create';

let bundle: Awaited<ReturnType<typeof bundleWorkflowCode>> | undefined;

/** Bundles the workflow code once per test file; bundling takes a few seconds. */
export async function workflowBundle() {
  bundle ??= await bundleWorkflowCode({ workflowsPath, logger: silentLogger });
  return bundle;
}

const noop = () => undefined;
const silentLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };

export interface TestWorkers {
  prefix: string;
  /** The queue that hosts workflows: start workflows here. */
  workflowQueue: string;
  workers: Worker[];
}

export async function createTestWorkers(testEnv: TestWorkflowEnvironment, prefix: string, queues: TaskQueue[] = ['cpu']): Promise<TestWorkers> {
  const env = readWorkerEnv({ ...process.env, CORPUSFLOW_TASK_QUEUE_PREFIX: `${prefix}-`, CORPUSFLOW_CPU_CONCURRENCY: '4' });
  const workflowBundleCode = await workflowBundle();
  const workers = await Promise.all(
    queues.map((queue) => createWorker({ connection: testEnv.nativeConnection, env, queue, workflowBundle: workflowBundleCode })),
  );
  return { prefix: `${prefix}-`, workflowQueue: `${prefix}-cpu`, workers };
}

/** Runs `body` while the workers poll, then shuts them down. */
export async function withWorkers<T>(testWorkers: TestWorkers, body: () => Promise<T>): Promise<T> {
  const [first, ...rest] = testWorkers.workers;
  if (!first) throw new Error('no workers');
  const nested = rest.reduce<() => Promise<T>>((inner, worker) => () => worker.runUntil(inner()), body);
  return first.runUntil(nested());
}
