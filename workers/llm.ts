// Worker entry point for the `llm` task queue. Stops gracefully on SIGINT or SIGTERM.
import { runWorkers } from './run';
import { exitOnError } from './exit';

await runWorkers({ queues: ['llm'] }).catch(exitOnError);
