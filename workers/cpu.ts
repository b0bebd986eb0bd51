// Worker entry point for the `cpu` task queue. Stops gracefully on SIGINT or SIGTERM.
import { runWorkers } from './run';
import { exitOnError } from './exit';

await runWorkers({ queues: ['cpu'] }).catch(exitOnError);
