// Connecting the CLI to Temporal, and starting the local dev server and a worker when needed.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { readWorkerEnv } from '../workers/config';
import { UserError } from './errors';

export const repoRoot = path.resolve(import.meta.dirname, '..');

export function temporalAddress(): string {
  return readWorkerEnv().TEMPORAL_ADDRESS;
}

export function isLocalDefault(address: string): boolean {
  return address === '127.0.0.1:7233' || address === 'localhost:7233';
}

export function uiBaseUrl(): string {
  return process.env.CORPUSFLOW_UI_URL ?? `http://localhost:${process.env.TEMPORAL_UI_PORT ?? '8233'}`;
}

export function workflowUrl(namespace: string, workflowId: string): string {
  return `${uiBaseUrl()}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/** Starts (or reuses) the local dev server through infra/temporal-dev.sh. */
export function ensureDevServer(): void {
  const result = spawnSync('bash', [path.join(repoRoot, 'infra/temporal-dev.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new UserError('Could not start the local Temporal dev server; see the messages above.');
}

export async function connectClient(options: { startLocalServer: boolean }): Promise<Client> {
  const env = readWorkerEnv();
  if (options.startLocalServer && isLocalDefault(env.TEMPORAL_ADDRESS)) ensureDevServer();
  try {
    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS, connectTimeout: '5 seconds' });
    return new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
  } catch (error) {
    throw new UserError(
      `Cannot reach the Temporal server at ${env.TEMPORAL_ADDRESS} (${(error as Error).message}). Start it with "corpusflow up" or set TEMPORAL_ADDRESS.`,
    );
  }
}
