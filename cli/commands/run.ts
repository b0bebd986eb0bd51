// `corpusflow run pipeline`: validates the input locally, makes sure a server and a worker
// are there, starts the workflow and follows it to the end.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Command } from 'commander';
import { PipelineInput } from '../../schemas/pipeline';
import { normalizeUri, schemeOf, localPath } from '../../activities/storage/uri';
import { formatIssues } from '../../workflows/validate';
import { runWorkers } from '../../workers/run';
import { TASK_QUEUES, readWorkerEnv } from '../../workers/config';
import { UserError } from '../errors';
import { connectClient, isLoopbackAddress, workflowUrl } from '../temporal';
import { renderSummary } from '../summary';
import { watchPipeline } from '../watch';

interface RunOptions {
  input?: string;
  output?: string;
  config?: string;
  exclude?: string[];
  id?: string;
  worker: string;
  wait: boolean;
  progress: boolean;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(`Cannot read config file ${file}: ${(error as Error).message}`);
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('expected a JSON object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw new UserError(`Config file ${file} is not a JSON object: ${(error as Error).message}`);
  }
}

/** Local paths become absolute file:// URIs, because the worker may run in another folder. */
function absoluteLocation(location: string): string {
  if (schemeOf(location) === 's3') return location;
  return /[*?[\]{}]/.test(location) ? localPath(location) : normalizeUri(location);
}

export function buildPipelineInput(options: Pick<RunOptions, 'input' | 'output' | 'config' | 'exclude'>): PipelineInput {
  const fromFile = options.config ? readConfigFile(options.config) : {};
  const merged: Record<string, unknown> = { ...fromFile };
  if (options.input) merged.input = options.input;
  if (options.output) merged.output = options.output;
  if (options.exclude && options.exclude.length > 0) merged.exclude = options.exclude;
  if (!merged.input) throw new UserError('Missing --input: pass a folder, file, glob or s3:// prefix (or "input" in --config).');
  merged.input = absoluteLocation(String(merged.input));
  const input = String(merged.input);
  // Catch a mistyped local path here; the workflow would fail the same way, but only after starting.
  if (input.startsWith('file://') && !existsSync(localPath(input))) {
    throw new UserError(`Input not found: ${localPath(input)}. Pass a folder, file, glob or s3:// prefix that exists.`);
  }
  merged.output = absoluteLocation(String(merged.output ?? 'out'));

  const parsed = PipelineInput.safeParse(merged);
  if (!parsed.success) throw new UserError(`Invalid pipeline config: ${formatIssues(parsed.error.issues)}`);
  return parsed.data;
}

/**
 * `auto` starts a worker in this process when the server is on this machine: the
 * server's poller list still shows workers that exited minutes ago, so it cannot tell us
 * whether one is really running. Extra workers on the same queue are harmless.
 */
function wantsInProcessWorker(mode: string, address: string): boolean {
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  if (mode !== 'auto') throw new UserError(`Invalid --worker "${mode}": expected auto, always or never.`);
  if (!isLoopbackAddress(address)) {
    console.error(`Not starting a worker: ${address} is not on this machine. Make sure workers serve the queues, or pass --worker always.`);
    return false;
  }
  return true;
}

async function runPipeline(options: RunOptions): Promise<void> {
  const input = buildPipelineInput(options);
  const client = await connectClient({ startLocalServer: true });
  const env = readWorkerEnv();
  const taskQueue = `${env.CORPUSFLOW_TASK_QUEUE_PREFIX}cpu`;

  const stopWorker = new AbortController();
  let worker: Promise<void> | undefined;
  if (wantsInProcessWorker(options.worker, env.TEMPORAL_ADDRESS)) {
    console.error(`Starting an all-in-one worker in this process for the run (pass --worker never when "corpusflow up" or other workers serve the "${taskQueue}" queue).`);
    await new Promise<void>((resolve, reject) => {
      worker = runWorkers({ queues: TASK_QUEUES, onReady: resolve, signal: stopWorker.signal });
      worker.catch(reject);
    });
  }

  const workflowId = options.id ?? `pipeline-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${randomBytes(2).toString('hex')}`;
  const handle = await client.workflow.start('pipeline', { taskQueue, workflowId, args: [input] });
  const url = workflowUrl(client.options.namespace, workflowId);
  console.error(`Started ${workflowId}\n  watch it in the Temporal UI: ${url}`);

  try {
    if (!options.wait) return;
    const summary = await watchPipeline(handle, { showProgress: options.progress && process.stderr.isTTY });
    console.log(renderSummary(summary));
    console.log(`Run: ${url}`);
  } finally {
    stopWorker.abort();
    await worker;
    await client.connection.close();
  }
}

export function runCommand(): Command {
  const run = new Command('run').description('Start a workflow and follow it until it finishes');
  run
    .command('pipeline')
    .description('Run the main job: extract, filter, deduplicate, decontaminate and tokenize the input, writing shards, rejected records and manifests')
    .option('-i, --input <location>', 'folder, file, glob (quote it) or s3:// prefix to read')
    .option('-o, --output <location>', 'folder or s3:// prefix for the outputs (default: ./out)')
    .option('-c, --config <file.json>', 'JSON file with pipeline options; flags override it')
    .option('--exclude <glob...>', 'glob patterns, relative to the input folder, of files to leave out')
    .option('--id <workflowId>', 'workflow id to use (default: pipeline-<time>-<random>)')
    .option('--worker <mode>', 'auto: run a worker in this process when the server is on this machine (loopback); always; never', 'auto')
    .option('--no-wait', 'print the workflow id and return without waiting for the result')
    .option('--no-progress', 'do not draw the progress bar')
    .action(async (options: RunOptions) => runPipeline(options));
  return run;
}
