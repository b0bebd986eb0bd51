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

/** Returns the port of a loopback address such as `127.0.0.1:7233`, or undefined for any other host. */
function loopbackPort(address: string): number | undefined {
  const match = /^(?:127\.0\.0\.1|localhost|\[::1\]):(\d+)$/.exec(address);
  return match ? Number(match[1]) : undefined;
}

/** True for a server on this machine, which the CLI may start and serve with its own worker. */
export function isLoopbackAddress(address: string): boolean {
  return loopbackPort(address) !== undefined;
}

/** Returns the Web UI address: CORPUSFLOW_UI_URL, else TEMPORAL_UI_PORT, else the dev server's default of frontend port + 1000. */
export function uiBaseUrl(): string {
  if (process.env.CORPUSFLOW_UI_URL) return process.env.CORPUSFLOW_UI_URL;
  const port = process.env.TEMPORAL_UI_PORT ?? String((loopbackPort(temporalAddress()) ?? 7233) + 1000);
  return `http://localhost:${port}`;
}

export function workflowUrl(namespace: string, workflowId: string): string {
  return `${uiBaseUrl()}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/** Starts (or reuses) the local dev server through infra/temporal-dev.sh. */
export function ensureDevServer(): void {
  const port = loopbackPort(temporalAddress()) ?? 7233;
  const env = { ...process.env, TEMPORAL_PORT: String(port), TEMPORAL_UI_PORT: process.env.TEMPORAL_UI_PORT ?? String(port + 1000) };
  const result = spawnSync('bash', [path.join(repoRoot, 'infra/temporal-dev.sh')], { stdio: ['ignore', 'inherit', 'inherit'], env });
  if (result.status !== 0) throw new UserError('Could not start the local Temporal dev server; see the messages above.');
}

export async function connectClient(options: { startLocalServer: boolean }): Promise<Client> {
  const env = readWorkerEnv();
  if (options.startLocalServer && isLoopbackAddress(env.TEMPORAL_ADDRESS)) ensureDevServer();
  try {
    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS, connectTimeout: '5 seconds' });
    return new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
  } catch (error) {
    throw new UserError(
      `Cannot reach the Temporal server at ${env.TEMPORAL_ADDRESS} (${(error as Error).message}). Start it with "corpusflow up" or set TEMPORAL_ADDRESS.`,
    );
  }
}
