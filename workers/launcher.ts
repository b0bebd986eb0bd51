// Worker entry point for the `launcher` task queue. Stops gracefully on SIGINT or SIGTERM.
import { runWorkers } from './run';
import { exitOnError } from './exit';

await runWorkers({ queues: ['launcher'] }).catch(exitOnError);
