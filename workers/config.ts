// Worker settings from the environment. Secrets (model API keys, cloud credentials) are read
// by the activities that need them from this same environment and never enter workflow input.
import os from 'node:os';
import { z } from 'zod';

export const TASK_QUEUES = ['cpu', 'llm', 'sandbox', 'launcher'] as const;
export type TaskQueue = (typeof TASK_QUEUES)[number];

const positiveInt = z.coerce.number().int().positive();

export const WorkerEnv = z.object({
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  CORPUSFLOW_CPU_CONCURRENCY: positiveInt.default(Math.max(2, os.availableParallelism())),
  CORPUSFLOW_LLM_CONCURRENCY: positiveInt.default(64),
  CORPUSFLOW_SANDBOX_CONCURRENCY: positiveInt.default(Math.max(1, os.availableParallelism())),
  CORPUSFLOW_LAUNCHER_CONCURRENCY: positiveInt.default(4),
  CORPUSFLOW_WORKFLOW_CONCURRENCY: positiveInt.default(200),
  CORPUSFLOW_TASK_QUEUE_PREFIX: z.string().default('').describe('Prepended to every queue name, to run several isolated deployments on one server'),
});
export type WorkerEnv = z.infer<typeof WorkerEnv>;

export function readWorkerEnv(env: NodeJS.ProcessEnv = process.env): WorkerEnv {
  const result = WorkerEnv.safeParse(env);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid worker environment: ${issues}`);
  }
  return result.data;
}

export function activityConcurrency(env: WorkerEnv, queue: TaskQueue): number {
  switch (queue) {
    case 'cpu':
      return env.CORPUSFLOW_CPU_CONCURRENCY;
    case 'llm':
      return env.CORPUSFLOW_LLM_CONCURRENCY;
    case 'sandbox':
      return env.CORPUSFLOW_SANDBOX_CONCURRENCY;
    case 'launcher':
      return env.CORPUSFLOW_LAUNCHER_CONCURRENCY;
  }
}
