// Workers for the operations tests: the `cpu` queue with the pipeline's activities and the
// nightly refresh's, hosting the workflows of operations-bundle.ts.
import { fileURLToPath } from 'node:url';
import type { NativeConnection } from '@temporalio/worker';
import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import * as cpuActivities from '../../activities/cpu';
import * as refreshActivities from '../../activities/refresh';
import { workerHealth } from '../../activities/health';

export const operationsWorkflowsPath = fileURLToPath(new URL('./operations-bundle.ts', import.meta.url));

let bundle: WorkflowBundleWithSourceMap | undefined;
const noop = () => undefined;
const silentLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };

export async function operationsBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= await bundleWorkflowCode({ workflowsPath: operationsWorkflowsPath, logger: silentLogger });
  return bundle;
}

export const operationsActivities = { ...cpuActivities, ...refreshActivities, workerHealth };

/**
 * A `cpu` worker on `<prefix>-cpu`. `activities` replaces some of them, so a test can inject a
 * fault into one activity.
 */
export async function createOperationsWorker(connection: NativeConnection, prefix: string, activities: Record<string, unknown> = {}): Promise<Worker> {
  return Worker.create({
    connection,
    taskQueue: `${prefix}-cpu`,
    workflowBundle: await operationsBundle(),
    activities: { ...operationsActivities, ...activities },
    maxConcurrentActivityTaskExecutions: 4,
  });
}
