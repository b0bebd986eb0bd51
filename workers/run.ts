// Runs one or more workers until SIGINT or SIGTERM, then drains them gracefully.
import { NativeConnection, Runtime, DefaultLogger, type LogLevel } from '@temporalio/worker';
import { bundleWorkflowCode } from '@temporalio/worker';
import { logger } from '../cli/logger';
import { readWorkerEnv, type TaskQueue } from './config';
import { createWorker, workflowsPath } from './create';
import { closePagePool } from '../activities/extract/page-pool';
import { closeFilterPool } from '../activities/filter/activity';

let runtimeInstalled = false;

/** Routes the Temporal SDK's logs (worker, activities, workflows) through pino. */
export function installRuntimeLogging(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const level = (process.env.CORPUSFLOW_LOG_LEVEL ?? 'INFO').toUpperCase() as LogLevel;
  Runtime.install({
    logger: new DefaultLogger(level, (entry) => {
      // Activity-only workers (llm, sandbox, launcher) are expected to poll no workflow tasks.
      if (entry.message.startsWith('No workflows registered')) return;
      const method = entry.level === 'TRACE' ? 'trace' : entry.level === 'DEBUG' ? 'debug' : entry.level === 'WARN' ? 'warn' : entry.level === 'ERROR' ? 'error' : 'info';
      logger[method]({ ...entry.meta }, entry.message);
    }),
  });
}

export interface RunWorkersOptions {
  queues: readonly TaskQueue[];
  /** Resolves when the workers are polling; used by the CLI to start a run right after. */
  onReady?: () => void;
  /** Aborting stops the workers, as SIGINT would. */
  signal?: AbortSignal;
}

export async function runWorkers(options: RunWorkersOptions): Promise<void> {
  installRuntimeLogging();
  const env = readWorkerEnv();
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS }).catch((error: Error) => {
    throw new Error(`Cannot reach the Temporal server at ${env.TEMPORAL_ADDRESS}: ${error.message}. Start it with "corpusflow up" or set TEMPORAL_ADDRESS.`);
  });
  const workflowBundle = options.queues.includes('cpu') ? await bundleWorkflowCode({ workflowsPath, logger: Runtime.instance().logger }) : undefined;
  const workers = await Promise.all(options.queues.map((queue) => createWorker({ connection, env, queue, workflowBundle })));
  logger.info({ queues: options.queues.map((queue) => `${env.CORPUSFLOW_TASK_QUEUE_PREFIX}${queue}`), address: env.TEMPORAL_ADDRESS, namespace: env.TEMPORAL_NAMESPACE }, 'Workers polling');

  const stop = () => workers.forEach((worker) => worker.shutdown());
  options.signal?.addEventListener('abort', stop, { once: true });
  const running = Promise.all(workers.map((worker) => worker.run()));
  options.onReady?.();
  try {
    await running;
  } finally {
    options.signal?.removeEventListener('abort', stop);
    await closePagePool();
    await closeFilterPool();
    await connection.close();
    logger.info('Workers stopped');
  }
}
