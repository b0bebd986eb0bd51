// One worker thread for fastText training per worker process. Threads run TypeScript through
// tsx's loader, the same way the worker itself runs.
import { Piscina } from 'piscina';
import type { TrainTask } from './train-task';

let pool: Piscina | undefined;

function loaderArgs(): string[] {
  const argv = process.execArgv;
  if (argv.some((arg) => arg.includes('tsx'))) return argv;
  return [...argv, '--import', import.meta.resolve('tsx')];
}

export async function trainInThread(task: TrainTask): Promise<Uint8Array> {
  pool ??= new Piscina({
    filename: new URL('./train-task.ts', import.meta.url).href,
    minThreads: 0,
    // Training uses one WASM thread; more threads would only compete with scoring for two cores.
    maxThreads: 1,
    idleTimeout: 30_000,
    execArgv: loaderArgs(),
  });
  return (await pool.run(task)) as Uint8Array;
}

export async function closeTrainPool(): Promise<void> {
  const current = pool;
  pool = undefined;
  await current?.destroy();
}
