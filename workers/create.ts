// Builds one Temporal worker per task queue. Workflows are hosted on the `cpu` queue, next to
// the activities that do most of the work; the other queues host activities only.
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as cpuActivities from '../activities/cpu';
import * as classifyActivities from '../activities/classify';
import * as llmActivities from '../activities/llm';
import { reversalCpuActivities } from '../activities/instruction-reversal/activities';
import { createSandboxQueueActivities, registerCodeStageResponseSchemas } from '../activities/sandbox/queue';
import { workerHealth } from '../activities/health';
import { checkDatasetForTraining } from '../activities/dataset';
import { logger } from '../cli/logger';
import { activityConcurrency, type TaskQueue, type WorkerEnv } from './config';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

type Activities = Record<string, (...args: never[]) => unknown>;

async function activitiesFor(queue: TaskQueue, env: WorkerEnv): Promise<Activities> {
  switch (queue) {
    case 'cpu':
      return { ...cpuActivities, ...classifyActivities, ...reversalCpuActivities, workerHealth };
    case 'llm':
      // Model replies of the code stages are validated against schemas registered by name.
      registerCodeStageResponseSchemas();
      return { ...llmActivities, workerHealth };
    case 'sandbox': {
      // Throws with the fix when isolation is missing, unless CORPUSFLOW_SANDBOX_UNSAFE=1 is set.
      const runsPerActivity = Math.max(1, Math.floor(os.availableParallelism() / env.CORPUSFLOW_SANDBOX_CONCURRENCY));
      const { availability, activities } = await createSandboxQueueActivities({ runsPerActivity });
      logger.info({ isolation: availability.isolation }, availability.message);
      return { ...(activities as unknown as Activities), workerHealth };
    }
    case 'launcher':
      // TODO(launcher): register the Slurm and Kubernetes launch activities when that stage lands.
      // Each launch runs checkDatasetForTraining first.
      return { checkDatasetForTraining, workerHealth };
  }
}

export interface CreateWorkerOptions {
  connection: NativeConnection;
  env: WorkerEnv;
  queue: TaskQueue;
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  const { env, queue } = options;
  const taskQueue = `${env.CORPUSFLOW_TASK_QUEUE_PREFIX}${queue}`;
  const hostsWorkflows = queue === 'cpu';
  let workflowCode: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> = {};
  if (hostsWorkflows) {
    workflowCode = options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath };
  }
  return Worker.create({
    connection: options.connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue,
    activities: await activitiesFor(queue, env),
    maxConcurrentActivityTaskExecutions: activityConcurrency(env, queue),
    maxConcurrentWorkflowTaskExecutions: hostsWorkflows ? Math.min(env.CORPUSFLOW_WORKFLOW_CONCURRENCY, 200) : undefined,
    ...workflowCode,
    // Shard activities heartbeat; give them time to finish their current file on shutdown.
    shutdownGraceTime: '30 seconds',
  });
}
