// Worker entry point for the `sandbox` task queue. Stops gracefully on SIGINT or SIGTERM.
import { runWorkers } from './run';
import { exitOnError } from './exit';

await runWorkers({ queues: ['sandbox'] }).catch(exitOnError);
