// One worker process for a single machine: polls every task queue (cpu, llm, sandbox, launcher).
import { runWorkers } from './run';
import { exitOnError } from './exit';
import { TASK_QUEUES } from './config';

await runWorkers({ queues: TASK_QUEUES }).catch(exitOnError);
