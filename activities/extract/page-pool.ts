// A worker-thread pool for page extraction, shared by every extraction activity in a worker
// process. Threads run TypeScript through tsx's loader, the same way the worker itself runs.
import os from 'node:os';
import { Piscina } from 'piscina';
import type { PageTask, PageTaskResult } from './page-task';

let pool: Piscina | undefined;

/** Threads for CPU-heavy document work; CORPUSFLOW_CPU_THREADS overrides the core count. */
export function cpuThreads(): number {
  const configured = Number(process.env.CORPUSFLOW_CPU_THREADS);
  return Number.isInteger(configured) && configured > 0 ? configured : os.availableParallelism();
}

export function loaderArgs(): string[] {
  const argv = process.execArgv;
  if (argv.some((arg) => arg.includes('tsx'))) return argv;
  return [...argv, '--import', import.meta.resolve('tsx')];
}

export function pagePool(): Piscina {
  if (!pool) {
    pool = new Piscina({
      filename: new URL('./page-task.ts', import.meta.url).href,
      maxThreads: cpuThreads(),
      minThreads: 1,
      idleTimeout: 30_000,
      execArgv: loaderArgs(),
      // A pathological page may use a lot of memory; the thread dies, not the worker.
      resourceLimits: { maxOldGenerationSizeMb: 2048 },
    });
  }
  return pool;
}

/** Extracts one page in the pool; a page that runs past the timeout has its thread terminated. */
export async function extractInPool(task: PageTask, timeoutMs: number): Promise<PageTaskResult> {
  try {
    return (await pagePool().run(task, { signal: AbortSignal.timeout(timeoutMs) })) as PageTaskResult;
  } catch (error) {
    const name = (error as Error).name;
    const detail = name === 'AbortError' || name === 'TimeoutError'
      ? `extraction took longer than ${timeoutMs / 1000} s (option extract.pageTimeoutSeconds)`
      : `extraction thread failed: ${(error as Error).message}`;
    return { ok: false, reason: 'extraction_failed', detail };
  }
}

export async function closePagePool(): Promise<void> {
  const current = pool;
  pool = undefined;
  await current?.destroy();
}
