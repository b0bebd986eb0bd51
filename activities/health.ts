// A cheap activity every worker registers, so `corpusflow up` and tests can check that a
// queue has a live worker before starting work on it.
import os from 'node:os';
import { Context } from '@temporalio/activity';
import { codeVersion } from './manifest/code-version';

export interface WorkerHealth {
  taskQueue: string;
  host: string;
  pid: number;
  codeVersion: string;
}

export async function workerHealth(): Promise<WorkerHealth> {
  return { taskQueue: Context.current().info.taskQueue, host: os.hostname(), pid: process.pid, codeVersion: codeVersion() };
}
