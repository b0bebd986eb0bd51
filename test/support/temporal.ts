// Starts the real Temporal dev server (the pinned `temporal` CLI from .venv) for one test file.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { corpusflowSearchAttributes } from '../../schemas/search-attributes';

export const temporalBinary = path.resolve(import.meta.dirname, '../../.venv/bin/temporal');

/**
 * Starts an in-memory dev server on a free port. Call `teardown()` on the result in afterAll.
 * Throws with the fix when the CLI is missing, instead of silently downloading another build.
 */
export async function startTemporalDevServer(): Promise<TestWorkflowEnvironment> {
  if (!existsSync(temporalBinary)) {
    throw new Error(`Temporal CLI not found at ${temporalBinary}: run "bash infra/install.sh" first.`);
  }
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalBinary },
      ip: '127.0.0.1',
      log: { format: 'pretty', level: 'error' },
      searchAttributes: corpusflowSearchAttributes,
    },
  });
}

let queueCounter = 0;

/** A task queue name no other test uses, so workers of parallel tests never steal each other's tasks. */
export function uniqueTaskQueue(prefix: string): string {
  queueCounter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${queueCounter}`;
}

/** Returns the history events of one run of a workflow, such as the first run of a chain that continued as new. */
export async function runHistoryEvents(env: TestWorkflowEnvironment, workflowId: string, runId: string) {
  const history = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
  return history.events ?? [];
}
