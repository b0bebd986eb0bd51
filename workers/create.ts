// Builds one Temporal worker per task queue. Workflows are hosted on the `cpu` queue, next to
// the activities that do most of the work; the other queues host activities only.
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import * as cpuActivities from '../activities/cpu';
import { workerHealth } from '../activities/health';
import { activityConcurrency, type TaskQueue, type WorkerEnv } from './config';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

function activitiesFor(queue: TaskQueue): Record<string, (...args: never[]) => unknown> {
  switch (queue) {
    case 'cpu':
      return { ...cpuActivities, workerHealth };
    case 'llm':
    case 'sandbox':
    case 'launcher':
      // TODO(stages): register the model-call, sandbox and training-launch activities here as they land.
      return { workerHealth };
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
  return Worker.create({
    connection: options.connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue,
    activities: activitiesFor(queue),
    maxConcurrentActivityTaskExecutions: activityConcurrency(env, queue),
    maxConcurrentWorkflowTaskExecutions: hostsWorkflows ? Math.min(env.CORPUSFLOW_WORKFLOW_CONCURRENCY, 200) : undefined,
    ...(hostsWorkflows ? (options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }) : {}),
    // Shard activities heartbeat; give them time to finish their current file on shutdown.
    shutdownGraceTime: '30 seconds',
  });
}
