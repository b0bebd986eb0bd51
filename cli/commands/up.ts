// `corpusflow up`: the local stack for one machine: the dev server and an all-in-one worker.
import { Command } from 'commander';
import { runWorkers } from '../../workers/run';
import { TASK_QUEUES } from '../../workers/config';
import { ensureDevServer, isLoopbackAddress, temporalAddress, uiBaseUrl } from '../temporal';

async function up(options: { worker: boolean }): Promise<void> {
  if (isLoopbackAddress(temporalAddress())) ensureDevServer();
  console.error(`Temporal Web UI: ${uiBaseUrl()}`);
  if (!options.worker) return;
  console.error('Starting an all-in-one worker (queues cpu, llm, sandbox, launcher); stop it with Ctrl-C.');
  await runWorkers({ queues: TASK_QUEUES });
}

export function upCommand(): Command {
  return new Command('up')
    .description('Start (or reuse) the local Temporal dev server and run an all-in-one worker in the foreground')
    .option('--no-worker', 'start the server only')
    .action(up);
}
